// SPDX-License-Identifier: MIT
// The guest->host channel, host side (docs/testbed.md): the records the
// guest writes on its console, one JSON object per line, parsed with
// nlohmann-json. A line that starts with '{' is a record and must parse as
// one of the documented types; every other line is text for people.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "altpv/engine/planner.h"

namespace altpv::testbed::report {

// Output that does not have the shape its producer documents. Parsers
// never guess: one malformed record fails the whole boot's checks.
class ParseError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// `patching`: the feature set the guest patched for, and the counts.
struct PatchingRecord {
  std::string features;  // "wrmsrns,hypervisor", as altpv::format_features
  unsigned sites = 0;
  unsigned patched = 0;
  unsigned unchanged = 0;
  unsigned refused = 0;
};

// `decision`: what the engine decided for one site, as it reported it.
struct DecisionRecord {
  unsigned index = 0;
  std::uint64_t address = 0;
  unsigned op = 0;
  std::optional<std::uint32_t> constant;
  unsigned len = 0;
  std::optional<unsigned> chosen;  // empty: the original
  std::string condition;           // "wrmsrns", "!pv"; empty for the original
  std::string kind;                // "bytes", "call", "call/rz"; empty for the original
  std::string verdict;             // "patched", "unchanged", "REFUSED"
  std::string refusal;             // why, when refused
  std::vector<std::uint8_t> old_bytes;
  std::vector<std::uint8_t> new_bytes;  // empty when refused

  // "original", or "alt 2 [wrmsrns] bytes".
  std::string choice() const;
  bool refused() const { return verdict == "REFUSED"; }
  bool operator==(const DecisionRecord&) const = default;
};

// `expected_write`: an MSR write msr.workload announces before making it.
struct ExpectedWrite {
  std::string op;  // the API form: wrmsr, wrmsr_ns, wrmsr_const, ...
  std::uint32_t msr = 0;
  std::uint64_t value = 0;
};

// `figure`: what one op costs with one strategy (figures.msr).
struct FigureRecord {
  std::string strategy;  // altpv, pvops_indirect, pvops_direct
  std::string op;        // wrmsr_ns_const, rdmsr_var
  std::uint64_t insns = 0;
  std::uint64_t exits = 0;
};

// `exception`: an exception the guest could not handle; it panics next.
struct ExceptionRecord {
  unsigned vector = 0;
  std::string name;  // "#GP"
  std::uint64_t error_code = 0;
  std::uint64_t rip = 0;
  unsigned vcpu = 0;
};

// `live_keys`: one live-key stress run (live_stress.h in the guest).
struct LiveKeysRecord {
  std::string sites;  // whose key sites: "guest"
  std::uint64_t vcpus_running = 0, toggles = 0, failed_switches = 0;
  std::uint64_t calls = 0, enabled = 0, disabled = 0, wrong = 0;
  bool add_up = false;
  std::uint64_t syncs = 0, vcpus_in_guest = 0, writes = 0, int3_hits = 0;
  std::uint64_t exits = 0, exits_io = 0;  // the toggling vCPU's, over the toggle loop
  std::uint64_t tsc_cycles = 0;           // the toggle loop
};
// The record's fields by their own names, both ways: parsed from the guest's
// line, written again by the demo's live.json.
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(LiveKeysRecord, sites, vcpus_running, toggles, failed_switches,
                                   calls, enabled, disabled, wrong, add_up, syncs, vcpus_in_guest,
                                   writes, int3_hits, exits, exits_io, tsc_cycles)

// `ticks`: timer interrupts one vCPU handled (events.ticks).
struct TickRecord {
  unsigned vcpu = 0;
  std::uint64_t ticks = 0;
};

// `test`: a case's verdict, as a PVH boot reports it (altpv-vmm takes
// verdicts by hypercall instead).
struct TestRecord {
  std::string name;
  std::string verdict;  // pass, fail, skip
  std::string message;  // the first failure or the skip reason; empty for pass
};

// Every record of one boot, by type, each in console order.
// `observed`: a value a guest test saw, for comparing personalities (the
// privileged ops: docs/privileged-ops.md).
struct Observation {
  std::string what;
  std::uint64_t value = 0;
  bool operator==(const Observation&) const = default;
};

struct GuestOutput {
  std::optional<PatchingRecord> patching;
  std::vector<DecisionRecord> decisions;
  std::vector<ExpectedWrite> expected_writes;
  std::vector<FigureRecord> figures;
  std::vector<std::string> test_cases;  // `test_case`, from `list`
  std::vector<ExceptionRecord> exceptions;
  std::vector<LiveKeysRecord> live_keys;
  std::vector<Observation> observations;
  std::vector<TickRecord> ticks;
  std::vector<TestRecord> tests;
};

// Throws ParseError naming the line and the problem: not JSON, an unknown
// type, a missing or mistyped field, a `truncated` record.
GuestOutput parse_guest_output(std::string_view console);

// The record the guest writes for an engine decision, for comparing
// decisions made on the host with the guest's (the same names, from the
// same engine functions).
DecisionRecord decision_record(const Decision& decision);

// Lines of `text`, without their "\n" or "\r\n".
std::vector<std::string_view> lines_of(std::string_view text);

// "0x1f" -> 31; throws ParseError naming `what` for anything else.
std::uint64_t parse_hex(std::string_view text, std::string_view what);

}  // namespace altpv::testbed::report
