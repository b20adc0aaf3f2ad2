// SPDX-License-Identifier: MIT
// printable(): guest text on the VMM's stderr cannot control the terminal.
#include "guest_text.h"

#include <gtest/gtest.h>

namespace altpv::vmm {
namespace {

TEST(Printable, KeepsPrintableUtf8) {
  EXPECT_EQ(printable("msr.safe: expected 1 == 2"), "msr.safe: expected 1 == 2");
  EXPECT_EQ(printable("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"),
            "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
}

TEST(Printable, EscapesControlCharacters) {
  EXPECT_EQ(printable("\x1b[31mred\x1b[0m"), "\\x1b[31mred\\x1b[0m");
  EXPECT_EQ(printable(std::string_view("a\0b\tc\nd\x7f", 8)), "a\\x00b\\x09c\\x0ad\\x7f");
  EXPECT_EQ(printable("\xc2\x9b"
                      "2J"),
            "\\xc2\\x9b2J")
      << "C1 CSI";
  EXPECT_EQ(printable("\xc2\xa0"), "\xc2\xa0") << "U+00A0 is not a control";
}

TEST(Printable, EscapesBytesThatAreNotUtf8) {
  EXPECT_EQ(printable("\x80"), "\\x80") << "lone continuation";
  EXPECT_EQ(printable("\xc0\xaf"), "\\xc0\\xaf") << "overlong /";
  EXPECT_EQ(printable("\xed\xa0\x80"), "\\xed\\xa0\\x80") << "surrogate";
  EXPECT_EQ(printable("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80") << "above U+10FFFF";
  EXPECT_EQ(printable("\xe2\x82"), "\\xe2\\x82") << "truncated";
  EXPECT_EQ(printable("\xff\xfe"), "\\xff\\xfe");
}

}  // namespace
}  // namespace altpv::vmm
