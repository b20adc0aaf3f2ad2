// SPDX-License-Identifier: MIT
// The guest's half of the guest->host channel (docs/testbed.md): a record is
// one JSON object, {"type":"<record type>", ...}, on one console line. The
// guest has no JSON library; this writer is freestanding and allocation-free
// and formats into an altpv::TextBuffer. Hosts parse the lines with a real
// JSON parser, so every string is escaped here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "altpv/engine/text_buffer.h"

namespace altpv::guest {

// `text` as the inside of a JSON string: '"', '\' and control characters
// escaped, and bytes above 0x7e written as \u00XX (their Latin-1 reading),
// so the line is valid JSON in UTF-8 whatever bytes the guest passes.
void json_escape(TextBuffer& out, std::string_view text);

// Builds one object; the caller closes it with close(). Keys are string
// literals of the record's documented fields and are not escaped.
class JsonObject {
 public:
  // Opens the object with its record type: {"type":"<type>"
  JsonObject(TextBuffer& out, std::string_view type);

  JsonObject& str(std::string_view key, std::string_view value);
  JsonObject& num(std::string_view key, std::uint64_t value);
  // 64-bit values, addresses and MSR indices: "0x1f", a string, because
  // many JSON readers hold numbers in doubles.
  JsonObject& hex(std::string_view key, std::uint64_t value);
  // "0f 01 c6": machine code, two hex digits per byte.
  JsonObject& bytes(std::string_view key, const std::uint8_t* p, std::size_t n);
  JsonObject& boolean(std::string_view key, bool value);
  JsonObject& null(std::string_view key);
  void close();

 private:
  TextBuffer& key(std::string_view key);

  TextBuffer& out_;
};

}  // namespace altpv::guest
