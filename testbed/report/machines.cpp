// SPDX-License-Identifier: MIT
#include "machines.h"

namespace altpv::testbed::report {

const std::vector<CpuModelSpec>& cpu_models() {
  static const std::vector<CpuModelSpec> models = {
      {"base", "-wrmsrns,-msr_imm", false, false},
      {"wrmsrns", "+wrmsrns,-msr_imm", true, false},
      {"wrmsrns+msr_imm", "+wrmsrns,+msr_imm", true, true},
  };
  return models;
}

std::vector<MachineConfig> all_machines() {
  std::vector<MachineConfig> machines;
  for (Personality hv : {Personality::Hvm, Personality::Pv}) {
    for (const CpuModelSpec& model : cpu_models()) machines.push_back({model, hv});
  }
  return machines;
}

}  // namespace altpv::testbed::report
