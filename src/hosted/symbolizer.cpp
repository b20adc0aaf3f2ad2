#include "altpv/hosted/symbolizer.h"

#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <link.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <vector>

namespace altpv::hosted {
namespace {

struct Symbol {
  std::uintptr_t start;  // module-relative
  std::uintptr_t size;
  std::string name;
};

struct Module {
  std::uintptr_t probe;
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

// Function symbols of one ELF file, sorted by address; .symtab when the file
// has one (it names static functions too), .dynsym otherwise.
std::vector<Symbol> load_symbols(const std::string& path) {
  std::vector<Symbol> out;
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return out;
  elf_version(EV_CURRENT);
  Elf* elf = elf_begin(fd, ELF_C_READ, nullptr);
  Elf_Scn* chosen = nullptr;
  for (Elf_Scn* scn = nullptr; elf != nullptr && (scn = elf_nextscn(elf, scn)) != nullptr;) {
    GElf_Shdr sh;
    if (gelf_getshdr(scn, &sh) == nullptr) continue;
    if (sh.sh_type == SHT_SYMTAB || (sh.sh_type == SHT_DYNSYM && chosen == nullptr)) chosen = scn;
  }
  GElf_Shdr sh;
  Elf_Data* data = chosen != nullptr ? elf_getdata(chosen, nullptr) : nullptr;
  if (data != nullptr && gelf_getshdr(chosen, &sh) != nullptr && sh.sh_entsize != 0) {
    for (std::size_t i = 0; i < sh.sh_size / sh.sh_entsize; ++i) {
      GElf_Sym sym;
      if (gelf_getsym(data, static_cast<int>(i), &sym) == nullptr) continue;
      if (GELF_ST_TYPE(sym.st_info) != STT_FUNC || sym.st_value == 0) continue;
      const char* name = elf_strptr(elf, sh.sh_link, sym.st_name);
      if (name != nullptr) out.push_back({sym.st_value, sym.st_size, name});
    }
  }
  if (elf != nullptr) elf_end(elf);
  close(fd);
  std::sort(out.begin(), out.end(),
            [](const Symbol& a, const Symbol& b) { return a.start < b.start; });
  return out;
}

}  // namespace

std::string describe_address(std::uintptr_t address) {
  static std::mutex mutex;
  static std::map<std::string, std::vector<Symbol>> cache;

  Module m{address};
  dl_iterate_phdr(find_module, &m);
  if (!m.found) return {};
  const std::lock_guard lock(mutex);
  auto it = cache.find(m.path);
  if (it == cache.end()) it = cache.emplace(m.path, load_symbols(m.path)).first;
  const std::vector<Symbol>& syms = it->second;
  const std::uintptr_t rel = address - m.base;
  auto s = std::upper_bound(syms.begin(), syms.end(), rel,
                            [](std::uintptr_t a, const Symbol& sym) { return a < sym.start; });
  if (s == syms.begin()) return {};
  --s;
  if (rel >= s->start + std::max<std::uintptr_t>(s->size, 1)) return {};
  char off[32];
  std::snprintf(off, sizeof off, "+0x%lx", static_cast<unsigned long>(rel - s->start));
  return s->name + off;
}

}  // namespace altpv::hosted
