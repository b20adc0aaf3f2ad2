// SPDX-License-Identifier: MIT
// How SyncCores serialises the vCPUs (--sync-cores): a core-serialising
// membarrier, which interrupts every CPU running one of the VMM's threads
// and returns at once, or kicking each vCPU out of KVM_RUN and waiting until
// it has left (docs/vmm.md compares the two).
#pragma once

namespace altpv::vmm {

enum class SyncMode { Auto, Membarrier, Kick };

class CoreBarrier {
 public:
  // Registers the process for MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE
  // unless `requested` is Kick. Auto falls back to Kick when the kernel
  // refuses; Membarrier throws std::runtime_error naming why.
  explicit CoreBarrier(SyncMode requested);

  // Membarrier or Kick, never Auto.
  SyncMode mode() const { return mode_; }

  // Membarrier mode: every CPU that runs a thread of this process now
  // executes a serialising instruction before it returns to that thread
  // (for a vCPU thread in guest mode: the IPI is a VM exit, and the host
  // serialises before the next entry). False if the barrier did not happen
  // (Kick mode, or a kernel that stopped honouring the registration).
  bool serialise_running_threads() const;

 private:
  SyncMode mode_;
};

// The name --sync-cores and --json use.
const char* sync_mode_name(SyncMode mode);

}  // namespace altpv::vmm
