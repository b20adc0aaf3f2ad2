// SPDX-License-Identifier: MIT
#include "report_json.h"

#include <map>

#include <fmt/format.h>

#include "write_path.h"

namespace altpv::demo {
namespace {

using nlohmann::json;

json site_json(const DemoSite& s) {
  json j = {{"name", s.name}, {"function", s.function}, {"found", s.decision.has_value()}};
  if (!s.decision) return j;
  const SiteDecision& d = *s.decision;
  j.update({{"site", d.index},
            {"address", fmt::format("{:#x}", d.address)},
            {"op", d.op},
            {"constant", d.constant ? json(fmt::format("{:#x}", *d.constant)) : json(nullptr)},
            {"len", d.len},
            {"choice", d.choice()},
            {"old_bytes", d.old_bytes},
            {"new_bytes", d.new_bytes},
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

json writes_json(const ConfigReport& c) {
  std::map<std::string, int> by_path;
  for (const MsrAccess& w : writes_of(c.workload.log)) ++by_path[w.path];
  int dropped = 0;
  for (const ExpectedWrite& w : c.workload.expected) {
    if (expected_path(w, c.config) == WritePath::Dropped) ++dropped;
  }
  return {{"announced", c.workload.expected.size()},
          {"logged", writes_of(c.workload.log).size()},
          {"dropped_by_policy", dropped},
          {"by_path", by_path}};
}

json config_json(const ConfigReport& c) {
  json j = {{"name", c.config.name()},
            {"cpu_model", c.config.model.name},
            {"cpu_arg", c.config.model.cpu_arg},
            {"hv", c.config.hv_name()},
            {"passed", c.verdict.passed()},
            {"reasons", c.verdict.reasons},
            {"commands", c.commands},
            {"writes", writes_json(c)},
            {"sites", json::array()},
            {"figures", json::array()}};
  for (const DemoSite& s : c.sites) j["sites"].push_back(site_json(s));
  for (const StrategyFigure& f : c.figures) j["figures"].push_back(figure_json(f));
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

json report_json(const DemoReport& report) {
  json j = {{"schema", kReportSchemaId},
            {"passed", report.passed()},
            {"guest", report.guest},
            {"configurations", json::array()},
            {"differential", json::array()},
            {"bench", report.bench ? bench_json(*report.bench) : json(nullptr)}};
  for (const ConfigReport& c : report.configs) j["configurations"].push_back(config_json(c));
  for (const Differential& d : report.differentials) {
    j["differential"].push_back({{"cpu_model", d.cpu_model},
                                 {"passed", d.verdict.passed()},
                                 {"reasons", d.verdict.reasons}});
  }
  return j;
}

}  // namespace altpv::demo
