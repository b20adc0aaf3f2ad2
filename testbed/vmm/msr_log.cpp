// SPDX-License-Identifier: MIT
#include "msr_log.h"

#include <cerrno>
#include <system_error>

#include <fmt/format.h>

namespace altpv::vmm {

std::string_view msr_path_name(MsrPath path) {
  switch (path) {
    case MsrPath::Trap:
      return "trap";
    case MsrPath::Hypercall:
      return "hypercall";
    case MsrPath::EmulatedInsn:
      break;
  }
  return "emulated-insn";
}

MsrLog::MsrLog(const std::string& path) : file_(std::fopen(path.c_str(), "w")) {
  if (!file_) throw std::system_error(errno, std::generic_category(), "open --msr-log " + path);
}

void MsrLog::record(std::uint64_t seq, std::uint32_t vcpu, bool write, std::uint32_t msr,
                    std::uint64_t value, MsrPath path) {
  if (!file_) return;
  // msr and value are JSON numbers; value may exceed 2^53, so it is also
  // given as a hex string for consumers that parse numbers as doubles.
  fmt::print(file_.get(),
             "{{\"seq\":{},\"vcpu\":{},\"op\":\"{}\",\"msr\":{},\"value\":{},"
             "\"value_hex\":\"{:#x}\",\"path\":\"{}\"}}\n",
             seq, vcpu, write ? "write" : "read", msr, value, value, msr_path_name(path));
  std::fflush(file_.get());
}

}  // namespace altpv::vmm
