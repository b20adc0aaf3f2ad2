// SPDX-License-Identifier: MIT
#include "qemu_section.h"

#include <fmt/format.h>

namespace altpv::demo {

using testbed::report::QemuMatrixRequest;

const std::vector<std::string>& demo_qemu_models() {
  static const std::vector<std::string> models = {"qemu64",         "Nehalem",   "Haswell",
                                                  "Icelake-Server", "EPYC-Rome", "max"};
  return models;
}

QemuSection run_qemu_section(
    const std::string& guest, unsigned jobs,
    const std::function<void(const testbed::report::ModelBoot&)>& on_boot) {
  QemuSection s;
  const std::optional<std::string> qemu = testbed::report::find_qemu();
  if (!qemu) {
    s.skip_reason = "qemu-system-x86_64 not found (Debian package qemu-system-x86)";
    return s;
  }
  QemuMatrixRequest req{*qemu, guest, demo_qemu_models(), "tcg", 60, jobs};
  s.matrix = testbed::report::run_qemu_matrix(req, on_boot);
  return s;
}

std::string qemu_section_text(const QemuSection& s) {
  std::string out = "On QEMU: the same guest ELF, booted through PVH, on QEMU CPU models (TCG)\n\n";
  if (!s.matrix) return out + "  SKIPPED: " + s.skip_reason + "\n";
  out += testbed::report::matrix_table(*s.matrix) + "\n";
  out += s.matrix->passed()
             ? fmt::format(
                   "Every model booted and passed its runnable cases; its decisions equal "
                   "altpv-inspect's plan for the features it read, and differ between "
                   "models exactly where those features do ({} pairs).\n",
                   s.matrix->pairs.size())
             : testbed::report::matrix_details(*s.matrix);
  return out;
}

}  // namespace altpv::demo
