# SPDX-License-Identifier: MIT
# Runs altpv-vmm once for the script that includes this file and leaves the
# guest's console in GUEST_OUTPUT. Without /dev/kvm it prints the SKIP line
# the test's SKIP_REGULAR_EXPRESSION matches and stops the script.
#   altpv_run_guest(<vmm options...> -- <guest command line words...>)
function(altpv_run_guest)
  execute_process(COMMAND ${VMM} ${ARGN}
                  OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
  if(rc EQUAL 77)
    message("SKIP: ${err}")
    return()
  endif()
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "altpv-vmm ${ARGN} exited with ${rc}\n${out}${err}")
  endif()
  set(GUEST_OUTPUT "${out}" PARENT_SCOPE)
endfunction()
