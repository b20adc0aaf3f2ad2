// SPDX-License-Identifier: MIT
#include "testbed_config.h"

namespace altpv::demo {

const std::vector<CpuModel>& cpu_models() {
  static const std::vector<CpuModel> models = {
      {"base", "-wrmsrns,-msr_imm", false, false},
      {"wrmsrns", "+wrmsrns,-msr_imm", true, false},
      {"wrmsrns+msr_imm", "+wrmsrns,+msr_imm", true, true},
  };
  return models;
}

std::vector<TestbedConfig> all_configs() {
  std::vector<TestbedConfig> configs;
  for (Personality hv : {Personality::Hvm, Personality::Pv}) {
    for (const CpuModel& model : cpu_models()) configs.push_back({model, hv});
  }
  return configs;
}

}  // namespace altpv::demo
