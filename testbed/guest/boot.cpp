// SPDX-License-Identifier: MIT
#include "boot.h"

#include "panic.h"

namespace altpv::guest {
namespace {

constinit altpv::testbed::BootInfo info_copy = {};
constinit Cmdline line;

}  // namespace

void boot_init(const altpv::testbed::BootInfo* info) {
  using namespace altpv::testbed;
  if (info->magic != kBootMagic) panic("boot info: bad magic");
  if (info->version != kBootVersion) panic("boot info: unsupported version");
  if (info->cmdline_len >= kMaxCmdline || info->cmdline_gpa >= info->mem_size ||
      info->cmdline_len > info->mem_size - info->cmdline_gpa) {
    panic("boot info: command line outside guest RAM");
  }
  info_copy = *info;
  line = Cmdline({reinterpret_cast<const char*>(info->cmdline_gpa), info->cmdline_len});
}

const altpv::testbed::BootInfo& boot_info() {
  return info_copy;
}
const Cmdline& cmdline() {
  return line;
}

}  // namespace altpv::guest
