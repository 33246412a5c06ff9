//! Personal data: ID-card numbers checked (GB 11643), masked in every answer, encrypted at
//! rest and found by a keyed hash; phone numbers masked. Archives hold these (R-ARC-5), so a
//! copied database file must not give them away, and no response may carry one in full but
//! the one that reveals it on purpose.
//!
//! [`Vault`] seals a value with AES-256-GCM under the key `PII_KEY` (generated once and kept
//! in `DATA_DIR/pii_key` when unset, like the JWT secret). A sealed value names the key it was
//! sealed with, `v1.<key id>.<base64 of nonce and ciphertext>`, so a rotation can tell which
//! rows still need re-sealing. Lookups go through [`Vault::lookup_hash`]: an HMAC-SHA-256
//! under a key derived from `PII_KEY`, never the plain value or an unkeyed hash (an ID number
//! has too few possible values for a plain hash to hide it).

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use chrono::Datelike;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};

const VERSION: &str = "v1";
const NONCE_BYTES: usize = 12;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PiiError {
    #[error("PII_KEY must be 64 hexadecimal digits (32 bytes)")]
    BadKey,
    #[error("a sealed value is malformed")]
    Malformed,
    #[error("a sealed value was sealed with key {0}, which is not this key")]
    OtherKey(String),
    #[error("a sealed value does not open with this key: it was altered")]
    Altered,
}

/// Seals and opens personal data, and hashes it for lookups.
pub struct Vault {
    cipher: Aes256Gcm,
    key_id: String,
    lookup_key: [u8; 32],
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the key itself.
        write!(f, "Vault(key {})", self.key_id)
    }
}

fn hmac(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut mac =
        <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(message);
    mac.finalize().into_bytes().into()
}

/// 32 bytes from 64 hexadecimal digits.
pub fn key_from_hex(hex: &str) -> Option<[u8; 32]> {
    let hex = hex.trim();
    if hex.len() != 64 || !hex.is_ascii() {
        return None;
    }
    let mut key = [0u8; 32];
    for (byte, pair) in key.iter_mut().zip(hex.as_bytes().chunks(2)) {
        *byte = u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok()?;
    }
    Some(key)
}

impl Vault {
    pub fn from_hex(hex: &str) -> Result<Vault, PiiError> {
        let key = key_from_hex(hex).ok_or(PiiError::BadKey)?;
        let key_id = format!("{:x}", Sha256::digest(key))[..8].to_owned();
        Ok(Vault {
            cipher: Aes256Gcm::new(&key.into()),
            key_id,
            // A key of its own for lookups: the encryption key never keys a hash.
            lookup_key: hmac(&key, b"propdesk pii lookup v1"),
        })
    }

    /// The vault of the key being retired, given as hex (`propdesk reseal-pii --old-key`):
    /// 400 for one that is not a key.
    pub fn retired(old_key_hex: &str) -> Result<Vault, crate::error::AppError> {
        Vault::from_hex(old_key_hex).map_err(|e| {
            crate::error::AppError::BadRequest(
                crate::i18n::Msg::new("the old key: %{error}").arg("error", e),
            )
        })
    }

    /// Which key this is, as sealed values name it.
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// The value encrypted under a fresh random nonce.
    pub fn seal(&self, plain: &str) -> String {
        let mut nonce = [0u8; NONCE_BYTES];
        rand::rng().fill_bytes(&mut nonce);
        let sealed = self
            .cipher
            .encrypt(&Nonce::from(nonce), plain.as_bytes())
            .expect("AES-GCM encrypts any value this small");
        let mut bytes = nonce.to_vec();
        bytes.extend(sealed);
        let text = base64::engine::general_purpose::STANDARD_NO_PAD.encode(bytes);
        format!("{VERSION}.{}.{text}", self.key_id)
    }

    /// The value a [`Vault::seal`] sealed.
    pub fn open(&self, sealed: &str) -> Result<String, PiiError> {
        let mut parts = sealed.splitn(3, '.');
        let (Some(VERSION), Some(key_id), Some(text)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(PiiError::Malformed);
        };
        if key_id != self.key_id {
            return Err(PiiError::OtherKey(key_id.to_owned()));
        }
        let bytes = base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(text)
            .map_err(|_| PiiError::Malformed)?;
        if bytes.len() <= NONCE_BYTES {
            return Err(PiiError::Malformed);
        }
        let (nonce, sealed) = bytes.split_at(NONCE_BYTES);
        let nonce: [u8; NONCE_BYTES] = nonce.try_into().expect("split at the nonce's length");
        let plain = self
            .cipher
            .decrypt(&Nonce::from(nonce), sealed)
            .map_err(|_| PiiError::Altered)?;
        String::from_utf8(plain).map_err(|_| PiiError::Malformed)
    }

    /// `sealed` re-sealed under this key, when `old` sealed it: answers the new sealing and
    /// the value, or `None` when it is under this key already (so a second run does
    /// nothing). How `propdesk reseal-pii` rotates `PII_KEY`.
    pub fn reseal(&self, old: &Vault, sealed: &str) -> Result<Option<(String, String)>, PiiError> {
        if self.open(sealed).is_ok() {
            return Ok(None);
        }
        let plain = old.open(sealed)?;
        Ok(Some((self.seal(&plain), plain)))
    }

    /// The keyed hash a value is looked up by (hex): the same value, the same hash, under
    /// this key only.
    pub fn lookup_hash(&self, plain: &str) -> String {
        self.digest(plain.as_bytes())
    }

    /// A keyed digest (hex) of bytes that may hold personal data, such as a request body an
    /// `Idempotency-Key` is checked against: unlike a plain SHA-256, it cannot be matched
    /// against guesses (an ID number has few) without the key.
    pub fn digest(&self, message: &[u8]) -> String {
        hmac(&self.lookup_key, message)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

/// GB 11643-1999's weights of the first 17 digits, and the check characters by remainder.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK: &[u8; 11] = b"10X98765432";

/// A resident identity card number (居民身份证号码) as GB 11643 defines it: 17 digits (six
/// of the address code, the birth date, three of sequence), then a check character, a digit
/// or `X`. Answers it upper-cased, or why it is not one.
pub fn id_number(text: &str) -> Result<String, &'static str> {
    let id = text.trim().to_ascii_uppercase();
    let bytes = id.as_bytes();
    if bytes.len() != 18
        || !bytes[..17].iter().all(u8::is_ascii_digit)
        || !(bytes[17].is_ascii_digit() || bytes[17] == b'X')
    {
        return Err("must be 18 characters: 17 digits and a check digit or X");
    }
    let Ok(born) = chrono::NaiveDate::parse_from_str(&id[6..14], "%Y%m%d") else {
        return Err("its birth date (characters 7 to 14) is not a date");
    };
    if born.year() < 1900 {
        return Err("its birth date (characters 7 to 14) is before 1900");
    }
    let sum: u32 = bytes[..17]
        .iter()
        .zip(WEIGHTS)
        .map(|(digit, weight)| u32::from(digit - b'0') * weight)
        .sum();
    if CHECK[(sum % 11) as usize] != bytes[17] {
        return Err("its check digit does not match: a digit is mistyped");
    }
    Ok(id)
}

/// An ID number as every answer shows it: the first three and the last four characters.
pub fn mask_id_number(id: &str) -> String {
    mask(id, 3, 4)
}

/// A phone number as lists show it: the first three and the last four digits.
pub fn mask_phone(phone: &str) -> String {
    mask(phone, 3, 4)
}

fn mask(text: &str, head: usize, tail: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= head + tail {
        return "*".repeat(chars.len());
    }
    let hidden = chars.len() - head - tail;
    chars[..head]
        .iter()
        .chain(std::iter::repeat_n(&'*', hidden))
        .chain(&chars[chars.len() - tail..])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    const OTHER: &str = "ff0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    /// The standard's own example number.
    const ID: &str = "11010519491231002X";

    #[test]
    fn a_sealed_value_opens_with_its_key_only_and_never_shows_the_value() {
        let vault = Vault::from_hex(KEY).unwrap();
        let sealed = vault.seal(ID);
        assert!(!sealed.contains(ID) && !sealed.contains("1949"), "{sealed}");
        assert!(sealed.starts_with(&format!("v1.{}.", vault.key_id())));
        assert_eq!(vault.open(&sealed).unwrap(), ID);
        assert_ne!(vault.seal(ID), sealed, "a fresh nonce each time");

        let other = Vault::from_hex(OTHER).unwrap();
        assert_eq!(
            other.open(&sealed),
            Err(PiiError::OtherKey(vault.key_id().to_owned()))
        );
        let mut altered = sealed.clone().into_bytes();
        let last = altered.len() - 2;
        altered[last] = if altered[last] == b'A' { b'B' } else { b'A' };
        let altered = String::from_utf8(altered).unwrap();
        assert_eq!(vault.open(&altered), Err(PiiError::Altered));
        assert_eq!(vault.open("plain text"), Err(PiiError::Malformed));
        assert_eq!(
            format!("{vault:?}"),
            format!("Vault(key {})", vault.key_id())
        );
    }

    #[test]
    fn a_lookup_hash_is_keyed() {
        let (vault, other) = (
            Vault::from_hex(KEY).unwrap(),
            Vault::from_hex(OTHER).unwrap(),
        );
        assert_eq!(vault.lookup_hash(ID), vault.lookup_hash(ID));
        assert_ne!(vault.lookup_hash(ID), other.lookup_hash(ID));
        assert_ne!(vault.lookup_hash(ID), format!("{:x}", Sha256::digest(ID)));
        assert_eq!(vault.lookup_hash(ID).len(), 64);
    }

    #[test]
    fn a_value_is_resealed_under_the_new_key_once() {
        let (old, new) = (
            Vault::from_hex(KEY).unwrap(),
            Vault::from_hex(OTHER).unwrap(),
        );
        let (sealed, plain) = new.reseal(&old, &old.seal(ID)).unwrap().unwrap();
        assert_eq!(
            (new.open(&sealed).unwrap(), plain.as_str()),
            (ID.to_owned(), ID)
        );
        assert_eq!(new.reseal(&old, &sealed).unwrap(), None);
        // Sealed under neither key: an error, never a silent skip.
        let stranger = Vault::from_hex(&"ef".repeat(32)).unwrap();
        assert!(new.reseal(&old, &stranger.seal(ID)).is_err());
    }

    #[test]
    fn a_key_is_64_hexadecimal_digits() {
        assert!(Vault::from_hex(KEY).is_ok());
        for bad in [
            "",
            "00",
            &KEY[..63],
            &format!("{}zz", &KEY[..62]),
            &format!("{KEY}00"),
        ] {
            assert_eq!(Vault::from_hex(bad).err(), Some(PiiError::BadKey), "{bad}");
        }
    }

    #[test]
    fn an_id_number_is_checked_as_gb_11643_says() {
        assert_eq!(id_number(" 11010519491231002x ").unwrap(), ID);
        assert!(id_number("110105194912310021")
            .unwrap_err()
            .contains("check digit"));
        assert!(id_number("110105194913310028")
            .unwrap_err()
            .contains("birth date"));
        assert!(id_number("1101051949123100")
            .unwrap_err()
            .contains("18 characters"));
        assert!(id_number("11010519491231002Y")
            .unwrap_err()
            .contains("18 characters"));
        assert!(id_number("110105189912310023")
            .unwrap_err()
            .contains("before 1900"));
    }

    #[test]
    fn masks_keep_the_first_three_and_the_last_four() {
        assert_eq!(mask_id_number(ID), "110***********002X");
        assert_eq!(mask_phone("13812345678"), "138****5678");
        assert_eq!(mask_phone("1234"), "****");
    }
}
