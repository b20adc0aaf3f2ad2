// SPDX-License-Identifier: MIT
// Assertions for guest tests, in the spirit of GoogleTest: EXPECT_* records
// a failure (file:line, both expressions and both values) and carries on;
// ASSERT_* also returns from the test function.
#pragma once

#include <cstdint>
#include <string_view>
#include <type_traits>
#include <utility>

#include "altpv/engine/text_buffer.h"

namespace altpv::guest {

// Fails the running test with `message`; the first message of a test is the
// one the VMM records, every one is printed.
void record_failure(std::string_view message);

// Ends the running test as skipped (the test function returns right after).
void skip_test(std::string_view reason);

template <typename T>
void format_value(altpv::TextBuffer& out, const T& v) {
  if constexpr (std::is_same_v<T, bool>) {
    out.str(v ? "true" : "false");
  } else if constexpr (std::is_enum_v<T>) {
    format_value(out, static_cast<std::underlying_type_t<T>>(v));
  } else if constexpr (std::is_same_v<T, std::string_view>) {
    out.chr('"').str(v).chr('"');
  } else if constexpr (std::is_pointer_v<T>) {
    out.str("0x").hex(reinterpret_cast<std::uintptr_t>(v));
  } else if constexpr (std::is_signed_v<T>) {
    out.sdec(v);
  } else {
    out.dec(v).str(" (0x").hex(v).chr(')');
  }
}

// The integer types std::cmp_equal accepts (no bool, no character types).
template <typename T>
inline constexpr bool kIsPlainInteger =
    std::is_integral_v<T> && !std::is_same_v<T, bool> && !std::is_same_v<T, char> &&
    !std::is_same_v<T, wchar_t> && !std::is_same_v<T, char8_t> && !std::is_same_v<T, char16_t> &&
    !std::is_same_v<T, char32_t>;

template <typename A, typename B>
bool values_equal(const A& a, const B& b) {
  if constexpr (kIsPlainInteger<A> && kIsPlainInteger<B>) {
    return std::cmp_equal(a, b);  // no sign-compare surprises
  } else {
    return a == b;
  }
}

// Starts a failure message: "file.cpp:12: expected ".
inline altpv::TextBuffer& failure_at(altpv::TextBuffer& msg, const char* file, int line) {
  return msg.str(file).chr(':').dec(static_cast<std::uint64_t>(line)).str(": expected ");
}

template <typename A, typename B>
bool expect_compare(bool want_equal, const A& a, const B& b, const char* a_text, const char* b_text,
                    const char* file, int line) {
  if (values_equal(a, b) == want_equal) return true;
  char buf[256];
  altpv::TextBuffer msg(buf, sizeof buf);
  failure_at(msg, file, line)
      .str(a_text)
      .str(want_equal ? " == " : " != ")
      .str(b_text)
      .str(", got ");
  format_value(msg, a);
  msg.str(want_equal ? " != " : " == ");
  format_value(msg, b);
  record_failure(msg.view());
  return false;
}

bool expect_true(bool value, const char* text, const char* file, int line);

}  // namespace altpv::guest

#define EXPECT_EQ(a, b) \
  ::altpv::guest::expect_compare(true, (a), (b), #a, #b, __FILE_NAME__, __LINE__)
#define EXPECT_NE(a, b) \
  ::altpv::guest::expect_compare(false, (a), (b), #a, #b, __FILE_NAME__, __LINE__)
#define EXPECT_TRUE(c) \
  ::altpv::guest::expect_true(static_cast<bool>(c), #c, __FILE_NAME__, __LINE__)
#define ASSERT_EQ(a, b)           \
  do {                            \
    if (!EXPECT_EQ(a, b)) return; \
  } while (0)
#define ASSERT_TRUE(c)           \
  do {                           \
    if (!EXPECT_TRUE(c)) return; \
  } while (0)
#define GUEST_SKIP(reason)             \
  do {                                 \
    ::altpv::guest::skip_test(reason); \
    return;                            \
  } while (0)
