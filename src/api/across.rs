//! Rules across the fields of a body ("a username or a phone", "a unit or a public
//! location"): the services check them with their `Validator`; JSON Schema can state them
//! (`anyOf`, `oneOf`, `if`/`then`), utoipa's derive cannot, so they are added to the
//! generated schemas here, by name. A schema or field renamed without this table fails the
//! spec's generation, so the two cannot drift apart unnoticed.

use serde_json::{json, Value};
use utoipa::openapi::schema::Schema;
use utoipa::openapi::{Components, RefOr};

/// The field is there and not `null`.
fn present(field: &str) -> Value {
    json!({"required": [field], "properties": {field: {"not": {"type": "null"}}}})
}

/// The field is left out (or `null`).
fn absent(field: &str) -> Value {
    json!({"properties": {field: {"type": "null"}}})
}

fn is(field: &str, value: &str) -> Value {
    json!({"required": [field], "properties": {field: {"const": value}}})
}

fn at_least_one(fields: &[&str]) -> Value {
    json!({"anyOf": fields.iter().map(|f| present(f)).collect::<Vec<_>>()})
}

fn exactly_one(fields: &[&str]) -> Value {
    json!({"oneOf": fields.iter().map(|f| present(f)).collect::<Vec<_>>()})
}

fn when(condition: Value, then: Vec<Value>) -> Value {
    json!({"if": condition, "then": {"allOf": then}})
}

/// Each body schema's rules across its fields, as the services check them.
fn rules() -> Vec<(&'static str, Vec<Value>)> {
    vec![
        (
            "NewTicket",
            vec![
                exactly_one(&["unit_id", "location"]),
                at_least_one(&["site_id", "unit_id"]),
            ],
        ),
        ("Reclassify", vec![at_least_one(&["priority", "category"])]),
        (
            "ChargeProposal",
            vec![
                exactly_one(&["fee_item_id", "amount_fen"]),
                when(present("amount_fen"), vec![present("description")]),
            ],
        ),
        (
            "NewComplaint",
            vec![
                at_least_one(&["site_id", "unit_id"]),
                when(
                    present("communication_kind"),
                    vec![is("nature", "communication")],
                ),
            ],
        ),
        (
            "NewComplainant",
            vec![
                when(
                    is("kind", "resident"),
                    vec![present("user_id"), absent("name")],
                ),
                when(
                    is("kind", "named"),
                    vec![present("name"), absent("user_id")],
                ),
                when(
                    is("kind", "anonymous"),
                    vec![absent("user_id"), absent("name"), absent("phone")],
                ),
            ],
        ),
        (
            "HolderInput",
            vec![
                when(
                    is("kind", "resident"),
                    vec![
                        present("user_id"),
                        absent("name"),
                        absent("phone"),
                        absent("slot"),
                    ],
                ),
                when(
                    is("kind", "staff"),
                    vec![
                        present("user_id"),
                        absent("name"),
                        absent("phone"),
                        absent("slot"),
                    ],
                ),
                when(
                    is("kind", "external"),
                    vec![present("name"), absent("user_id"), absent("slot")],
                ),
                when(
                    is("kind", "cabinet"),
                    vec![
                        present("slot"),
                        absent("user_id"),
                        absent("name"),
                        absent("phone"),
                    ],
                ),
            ],
        ),
        (
            "Classify",
            vec![
                at_least_one(&["class", "nature", "communication_kind", "subject"]),
                // Without `nature` in the body, the complaint's stored nature decides.
                when(
                    json!({"allOf": [present("communication_kind"), present("nature")]}),
                    vec![is("nature", "communication")],
                ),
            ],
        ),
        (
            "NewReply",
            vec![at_least_one(&["text", "standard_reply_id"])],
        ),
        (
            "NewUser",
            vec![
                at_least_one(&["username", "phone"]),
                json!({
                    "if": is("role", "resident"),
                    "then": {"allOf": [present("unit_id"), present("relation")]},
                    "else": absent("unit_id"),
                }),
            ],
        ),
    ]
}

/// Adds the rules to the schemas of `components`.
///
/// # Panics
/// When a schema or one of the fields a rule names is not in the document.
pub fn state(components: &mut Components) {
    for (name, rules) in rules() {
        let Some(RefOr::T(Schema::Object(object))) = components.schemas.get_mut(name) else {
            panic!("no object schema {name} for its rules across fields");
        };
        for rule in &rules {
            for field in fields_named(rule) {
                assert!(
                    object.properties.contains_key(&field),
                    "{name} has no field {field}"
                );
            }
        }
        let extensions = object.extensions.get_or_insert_with(Default::default);
        // One rule of its own keywords stands alone: an `allOf` of one is noise to linters.
        match <[Value; 1]>::try_from(rules) {
            Ok([Value::Object(rule)])
                if !rule.contains_key("properties") && !rule.contains_key("required") =>
            {
                extensions.extend(rule);
            }
            Ok(rules) => {
                extensions.insert("allOf".into(), Value::Array(rules.into()));
            }
            Err(rules) => {
                extensions.insert("allOf".into(), Value::Array(rules));
            }
        }
    }
}

/// The fields a rule names, wherever it names them.
fn fields_named(rule: &Value) -> Vec<String> {
    let mut fields = Vec::new();
    match rule {
        Value::Object(map) => {
            if let Some(Value::Object(properties)) = map.get("properties") {
                fields.extend(properties.keys().cloned());
            }
            for value in map.values() {
                fields.extend(fields_named(value));
            }
        }
        Value::Array(items) => items.iter().for_each(|v| fields.extend(fields_named(v))),
        _ => {}
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rule_names_only_fields_its_schema_has() {
        let rule = when(
            is("kind", "named"),
            vec![present("name"), absent("user_id")],
        );
        let mut named = fields_named(&rule);
        named.sort();
        assert_eq!(named, ["kind", "name", "user_id"]);
        let spec = serde_json::to_value(crate::openapi()).unwrap();
        let rules = &spec["components"]["schemas"]["NewReply"]["anyOf"];
        assert_eq!(rules[0]["required"], json!(["text"]));
        assert_eq!(rules[1]["required"], json!(["standard_reply_id"]));
    }
}
