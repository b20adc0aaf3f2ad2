// SPDX-License-Identifier: MIT
#include "guest_output.h"

#include <charconv>

#include <nlohmann/json.hpp>

#include "altpv/engine/report.h"

namespace altpv::testbed::report {
namespace {

using nlohmann::json;

std::uint64_t hex_field(const json& j, const char* key) {
  return parse_hex(j.at(key).get<std::string>(), key);
}

std::string optional_string(const json& j, const char* key) {
  const json& v = j.at(key);
  return v.is_null() ? std::string() : v.get<std::string>();
}

// "0f 01 c6" -> {0x0f, 0x01, 0xc6}
std::vector<std::uint8_t> byte_field(const json& j, const char* key) {
  const std::string text = j.at(key);
  std::vector<std::uint8_t> bytes;
  for (std::size_t i = 0; i < text.size(); i += 3) {
    if (i + 2 > text.size() || (i + 2 < text.size() && text[i + 2] != ' ')) {
      throw ParseError(std::string(key) + ": not hex bytes: '" + text + "'");
    }
    bytes.push_back(static_cast<std::uint8_t>(parse_hex("0x" + text.substr(i, 2), key)));
  }
  return bytes;
}

DecisionRecord decision(const json& j) {
  DecisionRecord d;
  d.index = j.at("index");
  d.address = hex_field(j, "address");
  d.op = j.at("op");
  if (!j.at("constant").is_null())
    d.constant = static_cast<std::uint32_t>(hex_field(j, "constant"));
  d.len = j.at("len");
  if (!j.at("chosen").is_null()) d.chosen = j["chosen"].get<unsigned>();
  d.condition = optional_string(j, "condition");
  d.kind = optional_string(j, "kind");
  d.verdict = j.at("verdict").get<std::string>();
  d.refusal = optional_string(j, "refusal");
  d.old_bytes = byte_field(j, "old_bytes");
  d.new_bytes = byte_field(j, "new_bytes");
  if (d.old_bytes.size() != d.len || (!d.refused() && d.new_bytes.size() != d.len)) {
    throw ParseError("site bytes do not match its len " + std::to_string(d.len));
  }
  return d;
}

void add_record(GuestOutput& out, const json& j) {
  const std::string type = j.at("type");
  if (type == "patching") {
    if (out.patching) throw ParseError("a second patching record");
    out.patching = PatchingRecord{j.at("features"), j.at("sites"), j.at("patched"),
                                  j.at("unchanged"), j.at("refused")};
  } else if (type == "decision") {
    out.decisions.push_back(decision(j));
  } else if (type == "expected_write") {
    out.expected_writes.push_back(
        {j.at("op"), static_cast<std::uint32_t>(hex_field(j, "msr")), hex_field(j, "value")});
  } else if (type == "figure") {
    out.figures.push_back({j.at("strategy"), j.at("op"), j.at("insns"), j.at("exits")});
  } else if (type == "test_case") {
    out.test_cases.push_back(j.at("name"));
  } else if (type == "exception") {
    out.exceptions.push_back({j.at("vector"), j.at("name"), hex_field(j, "error_code"),
                              hex_field(j, "rip"), j.at("vcpu")});
  } else if (type == "live_keys") {
    out.live_keys.push_back(j.get<LiveKeysRecord>());
  } else if (type == "observed") {
    out.observations.push_back({j.at("what"), hex_field(j, "value")});
  } else if (type == "ticks") {
    out.ticks.push_back({j.at("vcpu"), j.at("ticks")});
  } else if (type == "test") {
    const std::string verdict = j.at("verdict");
    if (verdict != "pass" && verdict != "fail" && verdict != "skip") {
      throw ParseError("test verdict '" + verdict + "' is none of pass, fail, skip");
    }
    out.tests.push_back({j.at("name"), verdict, optional_string(j, "message")});
  } else if (type == "truncated") {
    throw ParseError("the guest cut a " + j.at("of").get<std::string>() +
                     " record short (longer than its console line)");
  } else {
    throw ParseError("unknown record type '" + type + "'");
  }
}

}  // namespace

std::string DecisionRecord::choice() const {
  if (!chosen) return "original";
  return "alt " + std::to_string(*chosen) + " [" + condition + "] " + kind;
}

DecisionRecord decision_record(const Decision& d) {
  DecisionRecord r;
  r.index = static_cast<unsigned>(d.index);
  r.address = d.address;
  r.op = d.op;
  if (d.has_constant) r.constant = d.constant;
  r.len = d.len;
  if (d.chosen != kOriginal) {
    char cond[32];
    format_condition(d.cond, cond, sizeof cond);
    r.chosen = static_cast<unsigned>(d.chosen);
    r.condition = cond;
    r.kind = alt_kind_name(d.kind);
  }
  r.verdict = verdict_name(d.verdict);
  if (d.refusal != Refusal::None) r.refusal = refusal_name(d.refusal);
  r.old_bytes.assign(d.old_bytes, d.old_bytes + d.len);
  if (d.verdict != Verdict::Refused) r.new_bytes.assign(d.new_bytes, d.new_bytes + d.len);
  return r;
}

std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    if (line.ends_with('\r')) line.remove_suffix(1);
    lines.push_back(line);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return lines;
}

std::uint64_t parse_hex(std::string_view text, std::string_view what) {
  std::uint64_t value = 0;
  const std::string_view digits = text.starts_with("0x") ? text.substr(2) : std::string_view{};
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value, 16);
  if (digits.empty() || ec != std::errc{} || end != digits.data() + digits.size()) {
    throw ParseError(std::string(what) + ": not a hex number: '" + std::string(text) + "'");
  }
  return value;
}

GuestOutput parse_guest_output(std::string_view console) {
  GuestOutput out;
  for (const std::string_view line : lines_of(console)) {
    if (!line.starts_with('{')) continue;
    try {
      const json j = json::parse(line);
      if (!j.is_object()) throw ParseError("not an object");
      add_record(out, j);
    } catch (const std::exception& e) {
      throw ParseError("guest record '" + std::string(line) + "': " + e.what());
    }
  }
  return out;
}

}  // namespace altpv::testbed::report
