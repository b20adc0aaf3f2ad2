// SPDX-License-Identifier: MIT
// The same guest ELF on several QEMU CPU models under one accelerator
// (docs/qemu.md): each boot checked (qemu_checks.h), then every pair of
// boots checked against each other, and the whole rendered for people and
// as JSON. altpv-qemu and altpv-demo both show it.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "qemu_checks.h"

namespace altpv::testbed::report {

struct QemuMatrixRequest {
  std::string qemu;
  std::string guest;
  std::vector<std::string> models;
  std::string accel = "tcg";
  int timeout_seconds = 60;
  unsigned jobs = 2;
};

struct ModelPair {
  std::string a, b;
  std::size_t differ = 0;  // sites whose choices differ
  CheckResult verdict;     // check_differential
};

struct QemuMatrix {
  std::string accel;
  std::string guest;
  std::vector<ModelBoot> boots;
  std::vector<ModelPair> pairs;

  bool passed() const;
};

// `on_boot` is called after each boot (from the calling thread), for progress.
QemuMatrix run_qemu_matrix(const QemuMatrixRequest& request,
                           const std::function<void(const ModelBoot&)>& on_boot = {});

// One markdown row per model: features read from CPUID, what was patched,
// cases passed and skipped, verdict.
std::string matrix_table(const QemuMatrix& matrix);

// The pairs, each skip once with the models it happened on, and every
// failure with its command line and console.
std::string matrix_details(const QemuMatrix& matrix);

nlohmann::json matrix_json(const QemuMatrix& matrix);

}  // namespace altpv::testbed::report
