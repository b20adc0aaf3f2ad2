// SPDX-License-Identifier: MIT
// altpv-vmm: boots a testbed guest ELF on KVM and turns its verdict into an
// exit code (see docs/vmm.md).
#include <fstream>
#include <iterator>
#include <vector>

#include <fmt/format.h>

#include "boot_layout.h"
#include "elf_image.h"
#include "exit_codes.h"
#include "machine.h"
#include "options.h"
#include "output_files.h"

namespace {

using namespace altpv::vmm;

std::vector<std::uint8_t> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ElfError("cannot open " + path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

int vmm_main(int argc, char** argv) {
  ParsedOptions parsed = parse_options(argc, argv);
  if (parsed.exit_code >= 0) return parsed.exit_code;
  const Options& options = parsed.options;

  std::vector<std::uint8_t> file;
  ElfImage image;
  try {
    file = read_file(options.guest);
    image = parse_elf(file, {options.mem_mib << 20, layout::kReservedEnd});
  } catch (const ElfError& e) {
    fmt::print(stderr, "altpv-vmm: {}: invalid guest ELF: {}\n", options.guest, e.what());
    return exit_code::kUsage;
  }

  OutputFiles outputs;
  try {
    outputs = open_output_files(options);
  } catch (const OutputError& e) {
    fmt::print(stderr, "altpv-vmm: {}\n", e.what());
    return exit_code::kUsage;
  }

  try {
    Machine machine(options, std::move(outputs), file, std::move(image));
    return machine.run();
  } catch (const KvmUnavailable& e) {
    fmt::print(stderr, "SKIP: /dev/kvm not available ({})\n", e.what());
    return exit_code::kNoKvm;
  } catch (const std::exception& e) {
    fmt::print(stderr, "altpv-vmm: VMM error: {}\n", e.what());
    return exit_code::kVmmError;
  }
}

}  // namespace

int main(int argc, char** argv) {
  return vmm_main(argc, argv);
}
