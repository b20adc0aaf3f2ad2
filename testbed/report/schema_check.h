// SPDX-License-Identifier: MIT
// A JSON Schema (draft-07) validator for the subset report.schema.json
// uses: type, required, properties, additionalProperties (boolean), items,
// enum, const, minimum, minItems, $ref to "#/definitions/...". A schema
// using any other keyword is rejected rather than half-checked.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace altpv::demo {

// Every violation, each as "<json pointer>: problem"; empty when valid.
std::vector<std::string> schema_violations(const nlohmann::json& schema,
                                           const nlohmann::json& document);

}  // namespace altpv::demo
