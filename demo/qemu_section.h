// SPDX-License-Identifier: MIT
// The demo's QEMU section (docs/demo.md, "On QEMU"): the guest ELF the
// testbed boots, unchanged, on QEMU CPU models through PVH under TCG:
// what each model's CPUID made the engine patch, and whether the boot
// passed (testbed/report/qemu_matrix.h). Skipped, with the reason, when
// QEMU is not installed.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "qemu_matrix.h"

namespace altpv::demo {

// The models the demo boots: the ctest matrix of tests/testbed/qemu.
const std::vector<std::string>& demo_qemu_models();

struct QemuSection {
  std::optional<testbed::report::QemuMatrix> matrix;  // empty: skipped
  std::string skip_reason;

  bool passed() const { return !matrix || matrix->passed(); }
};

QemuSection run_qemu_section(const std::string& guest, unsigned jobs,
                             const std::function<void(const testbed::report::ModelBoot&)>& on_boot);

// The section as the summary prints it.
std::string qemu_section_text(const QemuSection& section);

}  // namespace altpv::demo
