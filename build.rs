// The migrations (`embed_migrations!`) and the translations (`rust_i18n::i18n!`) are
// embedded at compile time: rebuild when one is added or edited, which cargo would not
// notice by itself.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
    println!("cargo:rerun-if-changed=locales");
}
