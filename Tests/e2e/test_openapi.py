"""The served OpenAPI document is valid OpenAPI 3.1 by an independent validator
(openapi-spec-validator); the Swift tests prove it matches the router's routes."""
import json
import urllib.request

from openapi_spec_validator import validate


def test_the_served_document_is_valid_openapi_3_1(server):
    with urllib.request.urlopen(server + "/api/v1/openapi.json") as response:
        assert response.status == 200
        assert response.headers["Content-Type"] == "application/json"
        document = json.load(response)
    assert document["openapi"] == "3.1.0"
    validate(document)
