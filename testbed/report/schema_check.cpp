// SPDX-License-Identifier: MIT
#include "schema_check.h"

#include <algorithm>
#include <set>

namespace altpv::demo {
namespace {

using nlohmann::json;

const std::set<std::string> kAnnotations = {"$schema", "$id", "title", "description",
                                            "definitions"};
const std::set<std::string> kKeywords = {
    "type",    "required", "properties", "additionalProperties", "items", "enum", "const",
    "minimum", "minItems", "$ref"};

bool has_type(const json& value, const std::string& type) {
  if (type == "object") return value.is_object();
  if (type == "array") return value.is_array();
  if (type == "string") return value.is_string();
  if (type == "integer") return value.is_number_integer();
  if (type == "number") return value.is_number();
  if (type == "boolean") return value.is_boolean();
  if (type == "null") return value.is_null();
  return false;
}

class Validator {
 public:
  explicit Validator(const json& root) : root_(root) {}

  void check(const json& schema, const json& value, const std::string& where) {
    for (const auto& [key, _] : schema.items()) {
      if (!kKeywords.contains(key) && !kAnnotations.contains(key)) {
        fail(where, "schema uses unsupported keyword '" + key + "'");
      }
    }
    if (schema.contains("$ref")) return check(resolve(schema["$ref"]), value, where);
    if (schema.contains("type")) {
      const json& t = schema["type"];
      const std::vector<std::string> types =
          t.is_array() ? t.get<std::vector<std::string>>() : std::vector<std::string>{t};
      if (std::none_of(types.begin(), types.end(),
                       [&](const std::string& type) { return has_type(value, type); })) {
        return fail(where, "expected type " + t.dump() + ", found " + value.type_name());
      }
    }
    if (schema.contains("const") && value != schema["const"]) {
      fail(where, "must be " + schema["const"].dump() + ", is " + value.dump());
    }
    if (schema.contains("enum")) {
      const json& e = schema["enum"];
      if (std::find(e.begin(), e.end(), value) == e.end()) {
        fail(where, value.dump() + " is not one of " + e.dump());
      }
    }
    if (schema.contains("minimum") && value.is_number() &&
        value.get<double>() < schema["minimum"].get<double>()) {
      fail(where, value.dump() + " is below the minimum " + schema["minimum"].dump());
    }
    if (value.is_object()) check_object(schema, value, where);
    if (value.is_array()) check_array(schema, value, where);
  }

  std::vector<std::string> errors;

 private:
  void fail(const std::string& where, const std::string& what) {
    errors.push_back((where.empty() ? "/" : where) + ": " + what);
  }

  const json& resolve(const json& ref) {
    const std::string text = ref;
    const std::string prefix = "#/definitions/";
    if (!text.starts_with(prefix) || !root_.contains("definitions") ||
        !root_["definitions"].contains(text.substr(prefix.size()))) {
      throw std::runtime_error("schema: unresolvable $ref " + text);
    }
    return root_["definitions"][text.substr(prefix.size())];
  }

  void check_object(const json& schema, const json& value, const std::string& where) {
    for (const json& name : schema.value("required", json::array())) {
      if (!value.contains(name.get<std::string>())) fail(where, "missing field " + name.dump());
    }
    const json properties = schema.value("properties", json::object());
    for (const auto& [key, item] : value.items()) {
      if (properties.contains(key)) {
        check(properties[key], item, where + "/" + key);
      } else if (schema.value("additionalProperties", true) == false) {
        fail(where, "unexpected field \"" + key + "\"");
      }
    }
  }

  void check_array(const json& schema, const json& value, const std::string& where) {
    if (schema.contains("minItems") && value.size() < schema["minItems"].get<std::size_t>()) {
      fail(where, "fewer than " + schema["minItems"].dump() + " items");
    }
    if (!schema.contains("items")) return;
    for (std::size_t i = 0; i < value.size(); ++i) {
      check(schema["items"], value[i], where + "/" + std::to_string(i));
    }
  }

  const json& root_;
};

}  // namespace

std::vector<std::string> schema_violations(const json& schema, const json& document) {
  Validator v(schema);
  v.check(schema, document, "");
  return v.errors;
}

}  // namespace altpv::demo
