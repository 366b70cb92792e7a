// Rotating the credentials key: every sealed row of a table is opened with the keys the vault
// holds and sealed again under its current one, in one transaction. Registry credentials and
// webhook secrets are such rows: (tenant_id, a text key, key_id, a sealed bytea column).
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "common/error.h"
#include "coordinator/store/pg.h"
#include "coordinator/store/tenant_id.h"
#include "coordinator/tenancy/credential_vault.h"

namespace strata::coordinator {

struct SealedTable {
  std::string_view table;          // e.g. "webhooks"
  std::string_view key_column;     // the row's text key beside tenant_id, e.g. "id"
  std::string_view sealed_column;  // the bytea box
};

// `plaintext_of` opens one row's box and gives the plaintext to seal again (an error names the
// row and ends the whole rekey unchanged). How many rows were sealed again.
Result<std::size_t> reseal_rows(
    PgPool& pool, const CredentialVault& vault, const SealedTable& sealed,
    const std::function<Result<std::string>(TenantId tenant, const std::string& key, const std::string& key_id,
                                            std::string_view sealed_column)>& plaintext_of);

}  // namespace strata::coordinator
