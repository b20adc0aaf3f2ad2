// SPDX-License-Identifier: MIT
#include "altpv/engine/relocation.h"

#include <cstring>

#include "insn_decoder.h"

namespace altpv {
namespace {

std::int64_t read_displacement(const std::uint8_t* p, std::size_t size) {
  if (size == 1) return static_cast<std::int8_t>(p[0]);
  std::int32_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

bool fits(std::int64_t v, std::size_t size) {
  return size == 1 ? v >= INT8_MIN && v <= INT8_MAX : v >= INT32_MIN && v <= INT32_MAX;
}

void write_displacement(std::uint8_t* p, std::int64_t v, std::size_t size) {
  if (size == 1) {
    p[0] = static_cast<std::uint8_t>(v);
    return;
  }
  const auto v32 = static_cast<std::int32_t>(v);
  std::memcpy(p, &v32, sizeof v32);
}

}  // namespace

RelocationResult relocate_code(const std::uint8_t* src, std::size_t len, std::uintptr_t dst,
                               std::uint8_t* out) {
  // Nothing to copy (a call without setup bytes): src and out may be null,
  // which memcpy must never be given.
  if (len == 0) return {};
  std::memcpy(out, src, len);
  const auto from = reinterpret_cast<std::uintptr_t>(src);
  for (std::size_t at = 0; at < len;) {
    InsnLayout insn;
    if (!decode_insn_layout(src + at, len - at, insn)) return {Refusal::Undecodable, at};
    if (insn.relative != RelativeField::None) {
      const std::size_t field = at + insn.field_offset;
      // The CPU adds the sign-extended displacement to the address of the
      // next instruction, modulo 2^64; so does this arithmetic.
      const std::uintptr_t target =
          from + at + insn.length +
          static_cast<std::uintptr_t>(read_displacement(src + field, insn.field_size));
      const bool inside = target - from <= len;  // also false below `from`: it wraps
      if (!inside) {
        const auto moved = static_cast<std::int64_t>(target - (dst + at + insn.length));
        if (!fits(moved, insn.field_size)) return {Refusal::RelocOutOfRange, at};
        write_displacement(out + field, moved, insn.field_size);
      }
    }
    at += insn.length;
  }
  return {};
}

}  // namespace altpv
