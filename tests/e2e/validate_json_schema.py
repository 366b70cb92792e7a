"""Validates a JSON document against a JSON schema whose $refs point at sibling files.

usage: validate_json_schema.py SCHEMA DOCUMENT   (exit 0 valid, 1 invalid with the first errors)
"""
import json
import pathlib
import sys

import jsonschema


def main() -> int:
    schema_path = pathlib.Path(sys.argv[1]).resolve()
    schema = json.loads(schema_path.read_text())
    document = json.loads(pathlib.Path(sys.argv[2]).read_text())
    # The CycloneDX schema refers to spdx.schema.json and jsf-0.82.schema.json by relative name.
    store = {}
    for sibling in schema_path.parent.glob("*.json"):
        doc = json.loads(sibling.read_text())
        for key in ("$id", "id"):
            if key in doc:
                store[doc[key]] = doc
        store[sibling.name] = doc
        store[sibling.name.replace(".SNAPSHOT", "")] = doc
    resolver = jsonschema.RefResolver(base_uri=schema_path.as_uri(), referrer=schema, store=store)
    validator_class = jsonschema.validators.validator_for(schema)
    validator = validator_class(schema, resolver=resolver)
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    for error in errors[:10]:
        print(f"{'/'.join(str(p) for p in error.path)}: {error.message}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
