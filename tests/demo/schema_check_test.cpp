// SPDX-License-Identifier: MIT
// The report schema validator on small schemas: each supported keyword
// rejects what it should, and the checked-in schema is one it can read.
#include <gtest/gtest.h>

#include <fstream>

#include "schema_check.h"

namespace altpv::demo {
namespace {

using nlohmann::json;

const json kSchema = json::parse(R"({
  "type": "object", "required": ["a", "list"], "additionalProperties": false,
  "properties": {
    "a": {"$ref": "#/definitions/small"},
    "kind": {"enum": ["x", "y"]},
    "fixed": {"const": 1},
    "maybe": {"type": ["string", "null"]},
    "list": {"type": "array", "minItems": 2, "items": {"type": "boolean"}}},
  "definitions": {"small": {"type": "integer", "minimum": 0}}})");

TEST(SchemaCheck, AcceptsAConformingDocument) {
  EXPECT_TRUE(schema_violations(kSchema, json::parse(R"({"a": 3, "kind": "x", "fixed": 1,
      "maybe": null, "list": [true, false]})"))
                  .empty());
}

TEST(SchemaCheck, ReportsEachViolationWithItsPath) {
  const auto v = schema_violations(kSchema, json::parse(R"({"a": -1, "kind": "z", "fixed": 2,
      "maybe": 5, "list": [1], "extra": 0})"));
  const std::vector<std::string> expected = {
      "/a: -1 is below the minimum 0",
      "/fixed: must be 1, is 2",
      "/kind: \"z\" is not one of [\"x\",\"y\"]",
      "/list: fewer than 2 items",
      "/list/0: expected type \"boolean\", found number",
      "/maybe: expected type [\"string\",\"null\"], found number",
      "/: unexpected field \"extra\""};
  for (const std::string& e : expected) {
    EXPECT_NE(std::find(v.begin(), v.end(), e), v.end()) << "missing: " << e;
  }
  EXPECT_EQ(v.size(), expected.size());
  EXPECT_EQ(schema_violations(kSchema, json::parse(R"({"list": [true, true]})")),
            std::vector<std::string>{"/: missing field \"a\""});
}

TEST(SchemaCheck, RefusesKeywordsItDoesNotImplement) {
  EXPECT_FALSE(schema_violations(json::parse(R"({"pattern": "^a"})"), json("b")).empty());
  EXPECT_THROW(schema_violations(json::parse(R"({"$ref": "#/definitions/none"})"), json(1)),
               std::runtime_error);
}

TEST(SchemaCheck, TheReportSchemaUsesOnlySupportedKeywords) {
  std::ifstream in(ALTPV_REPORT_SCHEMA);
  const json schema = json::parse(in);
  // An empty object violates `required`, and nothing else may be reported.
  for (const std::string& v : schema_violations(schema, json::object())) {
    EXPECT_NE(v.find("missing field"), std::string::npos) << v;
  }
}

}  // namespace
}  // namespace altpv::demo
