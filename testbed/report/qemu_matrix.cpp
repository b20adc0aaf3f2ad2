// SPDX-License-Identifier: MIT
#include "qemu_matrix.h"

#include <algorithm>
#include <future>
#include <map>

#include <fmt/format.h>

namespace altpv::testbed::report {

bool QemuMatrix::passed() const {
  return !boots.empty() && std::all_of(boots.begin(), boots.end(), [](const auto& b) {
    return b.verdict.passed();
  }) && std::all_of(pairs.begin(), pairs.end(), [](const auto& p) { return p.verdict.passed(); });
}

QemuMatrix run_qemu_matrix(const QemuMatrixRequest& req,
                           const std::function<void(const ModelBoot&)>& on_boot) {
  QemuMatrix m;
  m.accel = req.accel;
  m.guest = req.guest;
  const inspect::InspectedFile guest_file(req.guest);
  m.boots.resize(req.models.size());
  // `jobs` boots at a time, each its own QEMU process.
  const std::size_t jobs = std::max(1u, req.jobs);
  for (std::size_t first = 0; first < req.models.size(); first += jobs) {
    std::vector<std::future<ModelBoot>> running;
    for (std::size_t i = first; i < std::min(req.models.size(), first + jobs); ++i) {
      const BootRequest boot{req.qemu, req.guest, req.models[i], req.accel, req.timeout_seconds};
      running.push_back(std::async(std::launch::async,
                                   [boot, &guest_file] { return boot_model(boot, guest_file); }));
    }
    for (std::size_t k = 0; k < running.size(); ++k) {
      m.boots[first + k] = running[k].get();
      if (on_boot) on_boot(m.boots[first + k]);
    }
  }
  if (req.accel == "kvm") check_kvm_models(m.boots);
  for (std::size_t i = 0; i < m.boots.size(); ++i) {
    for (std::size_t j = i + 1; j < m.boots.size(); ++j) {
      const auto& di = m.boots[i].run.guest.decisions;
      const auto& dj = m.boots[j].run.guest.decisions;
      ModelPair p{m.boots[i].model, m.boots[j].model, 0,
                  check_differential(m.boots[i], m.boots[j], guest_file)};
      for (std::size_t k = 0; k < std::min(di.size(), dj.size()); ++k) {
        p.differ += di[k].chosen != dj[k].chosen;
      }
      m.pairs.push_back(std::move(p));
    }
  }
  return m;
}

std::string matrix_table(const QemuMatrix& m) {
  std::string out =
      "| model | accel | features (CPUID) | decisions | passed | skipped | verdict |\n"
      "| --- | --- | --- | --- | --- | --- | --- |\n";
  for (const ModelBoot& b : m.boots) {
    out += fmt::format("| {} | {} | {} | {} | {} | {} | {} |\n", b.model, b.accel,
                       b.guest_features ? feature_names(*b.guest_features) : "?",
                       decisions_summary(b.run.guest.decisions), b.passed, b.skipped,
                       b.verdict.passed() ? "PASS" : "FAIL");
  }
  return out;
}

std::string matrix_details(const QemuMatrix& m) {
  std::string out = "Across models (sites whose choices differ; the reference selection):\n";
  for (const ModelPair& p : m.pairs) {
    out +=
        fmt::format("  {} vs {}: {} sites differ: {}\n", p.a, p.b, p.differ,
                    p.verdict.passed() ? "as the features imply" : "WRONG" + p.verdict.describe());
  }
  std::map<std::string, std::string> skipped_on;
  for (const ModelBoot& b : m.boots) {
    for (const std::string& s : b.skips)
      skipped_on[s] += (skipped_on[s].empty() ? "" : ", ") + b.model;
  }
  if (!skipped_on.empty()) out += "Skipped:\n";
  for (const auto& [skip, models] : skipped_on) out += fmt::format("  {} [{}]\n", skip, models);
  for (const ModelBoot& b : m.boots) {
    if (b.verdict.passed()) continue;
    out += fmt::format("{}/{} FAILED:{}\n  {}\n  console:\n{}  stderr:\n{}", b.model, b.accel,
                       b.verdict.describe(), command_line(b.run.command), b.run.child.out,
                       b.run.child.err);
  }
  return out;
}

nlohmann::json matrix_json(const QemuMatrix& m) {
  nlohmann::json out = {{"accel", m.accel}, {"guest", m.guest}, {"passed", m.passed()}};
  out["boots"] = nlohmann::json::array();
  for (const ModelBoot& b : m.boots) {
    nlohmann::json decisions = nlohmann::json::array();
    for (const DecisionRecord& d : b.run.guest.decisions) {
      decisions.push_back({{"index", d.index},
                           {"address", fmt::format("{:#x}", d.address)},
                           {"choice", d.choice()},
                           {"verdict", d.verdict}});
    }
    out["boots"].push_back(
        {{"model", b.model},
         {"command", command_line(b.run.command)},
         {"qemu_features", feature_names(b.qemu_features)},
         {"guest_features", b.guest_features ? feature_names(*b.guest_features) : ""},
         {"summary", decisions_summary(b.run.guest.decisions)},
         {"passed", b.passed},
         {"skipped", b.skipped},
         {"skips", b.skips},
         {"failures", b.verdict.failures},
         {"decisions", decisions}});
  }
  out["pairs"] = nlohmann::json::array();
  for (const ModelPair& p : m.pairs) {
    out["pairs"].push_back(
        {{"a", p.a}, {"b", p.b}, {"differ", p.differ}, {"failures", p.verdict.failures}});
  }
  return out;
}

}  // namespace altpv::testbed::report
