// SPDX-License-Identifier: MIT
#include "boot.h"

#include "panic.h"
#include "platform.h"

// The image's bounds, from guest.ld.
extern "C" const char __text_start[], __image_end[];

namespace altpv::guest {
namespace {

constinit altpv::testbed::BootInfo info_copy = {};
constinit PvhBoot pvh_copy = {};
constinit Cmdline line;

void testbed_boot_init(const altpv::testbed::BootInfo* info) {
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

void pvh_boot_init(std::uintptr_t start_info) {
  char problem[160];
  if (!read_pvh_start_info(start_info, reinterpret_cast<std::uintptr_t>(__text_start),
                           reinterpret_cast<std::uintptr_t>(__image_end),
                           altpv::testbed::kMaxCmdline, pvh_copy, problem, sizeof problem)) {
    panic(problem);
  }
  line = Cmdline(pvh_copy.cmdline);
}

}  // namespace

void boot_init(std::uintptr_t boot_block) {
  if (platform() == Platform::Pvh) {
    pvh_boot_init(boot_block);
  } else {
    testbed_boot_init(reinterpret_cast<const altpv::testbed::BootInfo*>(boot_block));
  }
}

const altpv::testbed::BootInfo& boot_info() {
  return info_copy;
}
const PvhBoot& pvh_boot() {
  return pvh_copy;
}
const Cmdline& cmdline() {
  return line;
}
std::uint64_t ram_end() {
  if (platform() != Platform::Pvh) return info_copy.mem_size;
  return pvh_copy.image_range_end < kPvhMapped ? pvh_copy.image_range_end : kPvhMapped;
}

}  // namespace altpv::guest
