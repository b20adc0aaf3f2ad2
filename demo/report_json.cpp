// SPDX-License-Identifier: MIT
#include "report_json.h"

#include <map>

#include <fmt/format.h>

#include "disassembler.h"

namespace altpv::demo {
namespace {

using nlohmann::json;
using namespace testbed::report;

std::string hex(std::uint64_t v) {
  return fmt::format("{:#x}", v);
}

json site_json(const DemoSite& s) {
  json j = {{"name", s.name}, {"function", s.function}, {"found", s.decision.has_value()}};
  if (!s.decision) return j;
  const DecisionRecord& d = *s.decision;
  j.update({{"site", d.index},
            {"address", hex(d.address)},
            {"op", d.op},
            {"constant", d.constant ? json(hex(*d.constant)) : json(nullptr)},
            {"len", d.len},
            {"choice", d.choice()},
            {"old_bytes", inspect::hex_bytes(d.old_bytes)},
            {"new_bytes", inspect::hex_bytes(d.new_bytes)},
            {"verdict", d.verdict},
            {"after", s.after}});
  return j;
}

json figure_json(const StrategyFigure& f) {
  return {{"strategy", f.strategy},
          {"op", f.op},
          {"function", f.site.function},
          {"bytes", f.site.bytes},
          {"symbol_size", f.site.symbol_size},
          {"ends_in_ret", f.site.ends_in_ret},
          {"disassembly", f.site.disassembly},
          {"site_len", f.site_len ? json(*f.site_len) : json(nullptr)},
          {"insns", f.insns},
          {"exits", f.exits}};
}

json writes_json(const MachineFindings& m) {
  const MachineRun& run = m.workload.run;
  std::map<std::string, int> by_path;
  for (const LoggedMsrAccess& w : writes_of(run.msr_log)) ++by_path[w.path];
  int dropped = 0;
  for (const ExpectedWrite& w : run.guest.expected_writes) {
    if (expected_path(w, m.machine) == WritePath::Dropped) ++dropped;
  }
  return {{"announced", run.guest.expected_writes.size()},
          {"logged", writes_of(run.msr_log).size()},
          {"dropped_by_policy", dropped},
          {"by_path", by_path}};
}

json machine_json(const MachineFindings& m) {
  json j = {{"name", m.machine.name()},
            {"cpu_model", m.machine.model.name},
            {"cpu_arg", m.machine.model.cpu_arg},
            {"hv", m.machine.hv_name()},
            {"passed", m.verdict.passed()},
            {"reasons", m.verdict.failures},
            {"commands", m.commands},
            {"writes", writes_json(m)},
            {"sites", json::array()},
            {"figures", json::array()},
            {"privileged_figures", json::array()}};
  for (const DemoSite& s : m.sites) j["sites"].push_back(site_json(s));
  for (const StrategyFigure& f : m.figures) j["figures"].push_back(figure_json(f));
  for (const StrategyFigure& f : m.privileged) j["privileged_figures"].push_back(figure_json(f));
  return j;
}

json bench_json(const BenchResults& b) {
  json j = {{"cpu", b.cpu}, {"dispatch", json::array()}, {"raw", b.document}};
  for (const DispatchResult& d : b.dispatch) {
    j["dispatch"].push_back({{"op", d.op},
                             {"strategy", d.strategy},
                             {"ns_per_call", d.ns_per_call},
                             {"ratio", d.ratio ? json(*d.ratio) : json(nullptr)}});
  }
  return j;
}

}  // namespace

json report_json(const DemoFindings& findings) {
  json j = {{"format", kReportFormat},
            {"passed", findings.passed()},
            {"guest", findings.guest},
            {"configurations", json::array()},
            {"differential", json::array()},
            {"claims", json::array()},
            {"bench", findings.bench ? bench_json(*findings.bench) : json(nullptr)}};
  for (const MachineFindings& m : findings.machines) {
    j["configurations"].push_back(machine_json(m));
  }
  for (const Differential& d : findings.differentials) {
    j["differential"].push_back({{"cpu_model", d.cpu_model},
                                 {"passed", d.verdict.passed()},
                                 {"reasons", d.verdict.failures}});
  }
  for (const Claim& c : findings.claims) {
    j["claims"].push_back(
        {{"statement", c.statement}, {"holds", c.holds}, {"evidence", c.evidence}});
  }
  return j;
}

}  // namespace altpv::demo
