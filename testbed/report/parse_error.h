// SPDX-License-Identifier: MIT
// A line or document that does not have the shape its producer documents.
// Parsers never guess: a malformed line fails the whole check.
#pragma once

#include <stdexcept>
#include <string>

namespace altpv::demo {

class ParseError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace altpv::demo
