// SPDX-License-Identifier: MIT
#include "hosted/symbolizer.h"

#include <cxxabi.h>
#include <fcntl.h>
#include <libelf.h>
#include <link.h>
#include <unistd.h>

#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>

#include "hosted/symbol_table.h"

namespace altpv::hosted {
namespace {

struct Module {
  std::uintptr_t probe = 0;
  std::uintptr_t base = 0;
  std::string path{};
  bool found = false;
};

int find_module(dl_phdr_info* info, std::size_t, void* data) {
  auto* m = static_cast<Module*>(data);
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    const std::uintptr_t start = info->dlpi_addr + ph.p_vaddr;
    if (ph.p_type == PT_LOAD && m->probe >= start && m->probe < start + ph.p_memsz) {
      m->base = info->dlpi_addr;
      m->path = info->dlpi_name != nullptr && info->dlpi_name[0] != '\0' ? info->dlpi_name
                                                                         : "/proc/self/exe";
      m->found = true;
      return 1;
    }
  }
  return 0;
}

SymbolTable load_symbols(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return {};
  elf_version(EV_CURRENT);
  Elf* elf = elf_begin(fd, ELF_C_READ, nullptr);
  SymbolTable table = SymbolTable::read(elf);
  if (elf != nullptr) elf_end(elf);
  close(fd);
  return table;
}

// "name+0x1c" with name demangled; as it was when name is not a C++ name.
std::string demangle(const std::string& where) {
  const std::size_t plus = where.rfind('+');
  const std::string name = where.substr(0, plus);
  int status = 0;
  const std::unique_ptr<char, decltype(&std::free)> readable(
      abi::__cxa_demangle(name.c_str(), nullptr, nullptr, &status), &std::free);
  if (status != 0 || readable == nullptr) return where;
  return readable.get() + where.substr(name.size());
}

}  // namespace

std::string describe_address(std::uintptr_t address) {
  static std::mutex mutex;
  static std::map<std::string, SymbolTable> cache;

  Module m;
  m.probe = address;
  dl_iterate_phdr(find_module, &m);
  if (!m.found) return {};
  const std::lock_guard lock(mutex);
  auto it = cache.find(m.path);
  if (it == cache.end()) it = cache.emplace(m.path, load_symbols(m.path)).first;
  // Symbols hold link-time addresses: relative to the module's load bias.
  return demangle(it->second.describe(address - m.base));
}

}  // namespace altpv::hosted
