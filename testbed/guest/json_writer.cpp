// SPDX-License-Identifier: MIT
#include "json_writer.h"

namespace altpv::guest {

void json_escape(TextBuffer& out, std::string_view text) {
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out.str("\\\"");
        break;
      case '\\':
        out.str("\\\\");
        break;
      case '\n':
        out.str("\\n");
        break;
      case '\r':
        out.str("\\r");
        break;
      case '\t':
        out.str("\\t");
        break;
      default:
        if (byte < 0x20 || byte > 0x7e) {
          out.str("\\u00").hex(byte, 2);
        } else {
          out.chr(c);
        }
    }
  }
}

JsonObject::JsonObject(TextBuffer& out, std::string_view type) : out_(out) {
  out_.str("{\"type\":\"");
  json_escape(out_, type);
  out_.chr('"');
}

TextBuffer& JsonObject::key(std::string_view key) {
  return out_.str(",\"").str(key).str("\":");
}

JsonObject& JsonObject::str(std::string_view k, std::string_view value) {
  key(k).chr('"');
  json_escape(out_, value);
  out_.chr('"');
  return *this;
}

JsonObject& JsonObject::num(std::string_view k, std::uint64_t value) {
  key(k).dec(value);
  return *this;
}

JsonObject& JsonObject::hex(std::string_view k, std::uint64_t value) {
  key(k).str("\"0x").hex(value).chr('"');
  return *this;
}

JsonObject& JsonObject::bytes(std::string_view k, const std::uint8_t* p, std::size_t n) {
  key(k).chr('"').bytes(p, n).chr('"');
  return *this;
}

JsonObject& JsonObject::boolean(std::string_view k, bool value) {
  key(k).str(value ? "true" : "false");
  return *this;
}

JsonObject& JsonObject::null(std::string_view k) {
  key(k).str("null");
  return *this;
}

void JsonObject::close() {
  out_.chr('}');
}

}  // namespace altpv::guest
