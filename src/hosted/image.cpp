// SPDX-License-Identifier: MIT
#include "hosted/image.h"

#include <link.h>
#include <unistd.h>

#include <algorithm>
#include <vector>

#include "altpv/linked_site_table.h"
#include "hosted/process_text_writer.h"

namespace altpv::hosted {
namespace {

struct Search {
  std::uintptr_t probe = 0;
  ImageText* out = nullptr;
};

// The executable segments of the module that contains `probe`.
int find_text(dl_phdr_info* info, std::size_t, void* data) {
  auto* search = static_cast<Search*>(data);
  std::uintptr_t lo = UINTPTR_MAX, hi = 0;
  bool contains = false;
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_LOAD) continue;
    const std::uintptr_t start = info->dlpi_addr + ph.p_vaddr;
    if (search->probe >= start && search->probe < start + ph.p_memsz) contains = true;
    if ((ph.p_flags & PF_X) == 0) continue;
    lo = std::min(lo, start);
    hi = std::max(hi, start + ph.p_memsz);
  }
  if (!contains || hi == 0) return 0;
  search->out->begin = lo;
  search->out->end = hi;
  search->out->path = info->dlpi_name != nullptr ? info->dlpi_name : "";
  return 1;
}

// The executable's path; its program headers carry an empty name.
std::string executable_path() {
  char path[4096];
  const ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
  return n > 0 ? std::string(path, static_cast<std::size_t>(n)) : "the executable";
}

}  // namespace

ImageText this_image() {
  ImageText text;
  // Any function of this copy lies in its image (hidden: not another's).
  Search search{reinterpret_cast<std::uintptr_t>(&this_image), &text};
  dl_iterate_phdr(find_text, &search);
  if (text.end != 0 && text.path.empty()) text.path = executable_path();
  return text;
}

SiteTable this_image_site_table() {
  const ImageText text = this_image();
  return linked_site_table(text.begin, text.end);
}

KeyTable this_image_key_table() {
  const ImageText text = this_image();
  return linked_key_table(text.begin, text.end);
}

ApplyStats patch_image(const FeatureSet& features, const Backend* backend,
                       DecisionObserver* observer) {
  const SiteTable table = this_image_site_table();
  std::vector<std::uint32_t> scratch(table.size());
  ProcessTextWriter writer;
  return apply(table, features, backend, writer, scratch, observer);
}

}  // namespace altpv::hosted
