// Image references as a tenant names them to the cluster. A tenant's text never probes the
// coordinator's file system (an existence oracle: "'/etc/shadow' is a path on this machine"), and
// `oci:` layouts, which the coordinator reads from its own disk, are an operator feature: they
// are accepted only under the directories the operator lists (--oci-root), after `..` and
// symbolic links are resolved, and never by default (issue 14, defect 9). Pure but for the
// resolution of symbolic links under those roots; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "common/error.h"
#include "common/image/reference.h"

namespace strata::coordinator {

// Parses `text` as the cluster reads it: a registry reference, or `oci:DIR[:TAG|@DIGEST]` with
// DIR inside one of `oci_roots` (absolute directories). Errors name the reference as given and
// never say whether a path exists on this machine.
Result<ImageReference> parse_tenant_reference(const std::string& text, const std::vector<std::string>& oci_roots);

}  // namespace strata::coordinator
