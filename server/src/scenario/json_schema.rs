//! The JSON Schema of the scenario format, derived from the raw mirror in
//! [`super::raw`] (so the schema and the loader cannot drift), for editors
//! that complete and check TOML files (e.g. Taplo / Even Better TOML) and
//! for `firedrill schema`.
//!
//! The schema describes shapes, types and closed vocabularies; what only
//! validation can tell (references between ids, limits, times after the
//! drill's end) is left to `firedrill validate`.

/// The JSON Schema (draft 2020-12) of a scenario file.
pub fn json_schema() -> serde_json::Value {
    let mut schema = schemars::schema_for!(super::raw::RawScenario).to_value();
    if let Some(obj) = schema.as_object_mut() {
        obj.insert(
            "description".into(),
            serde_json::Value::String(
                "A Firedrill scenario (TOML): the world a drill runs in, what breaks, what fixes it, and the \
                 people around it. See docs/scenarios.md."
                    .into(),
            ),
        );
    }
    schema
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_lists_every_top_level_key_and_refuses_others() {
        let s = json_schema();
        let props = s["properties"].as_object().map(|p| p.keys().cloned().collect::<Vec<_>>()).unwrap_or_default();
        for key in [
            "drill",
            "world",
            "flows",
            "services",
            "faults",
            "actions",
            "clues",
            "health",
            "personas",
            "injects",
            "talk_scripts",
            "templates",
            "roles",
            "objectives",
        ] {
            assert!(props.iter().any(|p| p == key), "missing {key} in {props:?}");
        }
        assert_eq!(s["additionalProperties"], serde_json::Value::Bool(false));
        assert_eq!(s["required"], serde_json::json!(["drill", "world"]));
    }

    #[test]
    fn closed_vocabularies_are_enums_in_the_schema() {
        let text = json_schema().to_string();
        for word in ["\"data_loss\"", "\"line_chat\"", "\"vendor_escalation\"", "\"support_agent\"", "\"major_outage\""]
        {
            assert!(text.contains(word), "{word} not in the schema");
        }
    }
}
