// SPDX-License-Identifier: MIT
// Fuzz target: the VMM's guest ELF loader and the boot structures it writes
// before the first instruction runs: everything a guest file decides.
//
// Input: u8 vCPU count, u16 command-line length, the command line, then the
// ELF file. A malformed file must end in an ElfError (the clear message);
// anything else escaping, a crash or a sanitizer report is a bug. For a file
// it accepts: every segment lies in RAM above the VMM's reserved area, its
// file bytes inside the file, the entry point in an executable segment; after
// loading each segment holds its file bytes followed by zeros; BootInfo names
// the vCPUs, the RAM and the command line, NUL-terminated.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>

#include "abi/abi.h"
#include "boot_layout.h"
#include "boot_structures.h"
#include "elf_image.h"
#include "fuzz_input.h"
#include "guest_memory.h"

namespace {

using namespace altpv::vmm;
using altpv::fuzz::FuzzInput;
using altpv::fuzz::require;
namespace tb = altpv::testbed;

constexpr std::uint64_t kRam = 16 << 20;

void check_loaded(const ElfImage& image, std::span<const std::uint8_t> file,
                  const GuestMemory& memory) {
  bool entry_in_code = false;
  for (const LoadSegment& s : image.segments) {
    require(s.gpa >= layout::kReservedEnd && s.mem_size <= kRam && s.gpa <= kRam - s.mem_size,
            "a segment outside guest RAM or inside the VMM's area");
    require(s.file_size <= s.mem_size && s.file_offset <= file.size() &&
                s.file_size <= file.size() - s.file_offset,
            "a segment's file bytes outside the file");
    entry_in_code |= s.executable && image.entry >= s.gpa && image.entry - s.gpa < s.mem_size;
  }
  require(entry_in_code, "entry point outside every executable segment");
  for (const LoadSegment& s : image.segments) {
    const auto loaded = memory.bytes(s.gpa, s.mem_size);
    require(loaded.has_value(), "a loaded segment is not in guest RAM");
    // Later segments may overwrite an earlier one's tail only if they overlap,
    // which the loader refuses; so each holds its own bytes.
    require(std::memcmp(loaded->data(), file.data() + s.file_offset, s.file_size) == 0,
            "a segment does not hold its file bytes");
    for (std::uint64_t i = s.file_size; i < s.mem_size; ++i) {
      require((*loaded)[i] == 0, "a segment's .bss is not zero");
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static GuestMemory memory(kRam);
  FuzzInput in(data, size);
  const std::uint32_t vcpus = 1 + in.u8() % tb::kMaxVcpus;
  const std::size_t cmdline_len = in.u16() % tb::kMaxCmdline;
  const auto cmdline_bytes = in.bytes(cmdline_len);
  std::string cmdline(cmdline_bytes.begin(), cmdline_bytes.end());
  cmdline.erase(std::find(cmdline.begin(), cmdline.end(), '\0'), cmdline.end());
  const auto file = in.rest();

  ElfImage image;
  try {
    image = parse_elf(file, {kRam, layout::kReservedEnd});
  } catch (const ElfError&) {
    return 0;  // the clear-message path
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fuzz: unexpected exception: %s\n", e.what());
    require(false, "an error other than ElfError escaped the loader");
  }
  std::memset(memory.host_base(), 0xa5, kRam);
  load_elf(image, file, memory);
  check_loaded(image, file, memory);

  write_boot_structures(memory, vcpus, cmdline);
  const auto info = memory.read_object<tb::BootInfo>(layout::kBootInfo);
  require(info.has_value() && info->vcpu_count == vcpus && info->mem_size == kRam,
          "BootInfo does not describe the machine");
  require(info->cmdline_len == cmdline.size(), "BootInfo's command-line length is wrong");
  const auto text = memory.bytes(info->cmdline_gpa, info->cmdline_len + 1);
  require(text.has_value() && std::memcmp(text->data(), cmdline.data(), cmdline.size()) == 0 &&
              (*text)[cmdline.size()] == 0,
          "the command line is not where BootInfo says, NUL-terminated");
  return 0;
}
