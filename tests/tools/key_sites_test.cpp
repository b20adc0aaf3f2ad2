// SPDX-License-Identifier: MIT
// `list` and `check` on key sites: each gives its key's address and both
// states, and check refuses a state of several instructions.
#include <gtest/gtest.h>

#include "tool_runner.h"

namespace altpv::inspect::test {
namespace {

using nlohmann::json;

json key_site_in(const json& keys, const std::string& function) {
  for (const json& k : keys) {
    if (k["symbol"].get<std::string>().starts_with(function + "+")) return k;
  }
  ADD_FAILURE() << "no key site in " << function;
  return json::object();
}

// The line of `text` that names a site in `function` (at whatever offset
// the compiler put it: instrumented builds add a prologue), or "".
std::string line_naming(const std::string& text, const std::string& function) {
  const std::size_t at = text.find("<" + function + "+");
  if (at == std::string::npos) return "";
  const std::size_t begin = text.rfind('\n', at) + 1;  // npos + 1 == 0
  return text.substr(begin, text.find('\n', at) - begin);
}

TEST(KeySites, ListNamesKeyAndBothStates) {
  const ToolResult r = run_tool({"list", "--json", FIXTURE_KEYS});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json keys = json::parse(r.out)["key_sites"];
  ASSERT_EQ(keys.size(), 3u);

  const json value = key_site_in(keys, "fixture_key_value");
  EXPECT_EQ(value["length"], 5);
  EXPECT_EQ(value["disabled"]["bytes"], "b8 01 00 00 00");
  EXPECT_EQ(value["disabled"]["instructions"][0]["text"], "mov $0x1, %eax");
  EXPECT_EQ(value["enabled"]["bytes"], "b8 02 00 00 00");
  EXPECT_EQ(value["enabled"]["instructions"][0]["text"], "mov $0x2, %eax");
  EXPECT_FALSE(value.contains("problems"));

  const json arith = key_site_in(keys, "fixture_key_arith");
  EXPECT_EQ(arith["key"], value["key"]);
  EXPECT_EQ(arith["disabled"]["instructions"][0]["text"], "xor $0x500, %eax");
  EXPECT_EQ(arith["enabled"]["instructions"][0]["text"], "add $0x300, %eax");

  const json other = key_site_in(keys, "fixture_key_two_insns");
  EXPECT_NE(other["key"], value["key"]);
  EXPECT_EQ(other["enabled"]["instructions"].size(), 4u);

  const ToolResult text = run_tool({"list", FIXTURE_KEYS});
  EXPECT_NE(
      line_naming(text.out, "fixture_key_value").find("> key " + value["key"].get<std::string>()),
      std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find("  disabled (the original) len 5"), std::string::npos) << text.out;
}

TEST(KeySites, CheckRefusesAStateOfSeveralInstructions) {
  const ToolResult r = run_tool({"check", FIXTURE_KEYS});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(
      line_naming(r.out, "fixture_key_two_insns").find(">: the enabled state is 4 instructions"),
      std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("1 problem in 1 of 3 key sites"), std::string::npos) << r.out;
  const json j = json::parse(run_tool({"check", "--json", FIXTURE_KEYS}).out);
  EXPECT_FALSE(j["ok"].get<bool>());
  EXPECT_EQ(j["key_sites"], 3);
  ASSERT_EQ(j["key_problems"].size(), 1u);
  EXPECT_EQ(j["key_problems"][0]["index"],
            key_site_in(json::parse(run_tool({"list", "--json", FIXTURE_KEYS}).out)["key_sites"],
                        "fixture_key_two_insns")["index"]);
}

// The project's own key sites (hosted tests, the guest) pass the same check
// at build time; a file without any says nothing about them.
TEST(KeySites, GoodFixturesHaveNone) {
  const ToolResult r = run_tool({"check", FIXTURE_PIE});
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.out.find("key sites"), std::string::npos) << r.out;
  EXPECT_EQ(json::parse(run_tool({"check", "--json", FIXTURE_PIE}).out)["key_sites"], 0);
}

}  // namespace
}  // namespace altpv::inspect::test
