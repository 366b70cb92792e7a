#include "coordinator/tenancy/reseal.h"

#include "coordinator/store/sql.h"

namespace strata::coordinator {

using sql::bytea_param;
using sql::err;

Result<std::size_t> reseal_rows(
    PgPool& pool, const CredentialVault& vault, const SealedTable& sealed,
    const std::function<Result<std::string>(TenantId, const std::string&, const std::string&, std::string_view)>&
        plaintext_of) {
  auto db = pool.acquire();
  if (!db) return err(db);
  const std::string key(sealed.key_column), box(sealed.sealed_column), table(sealed.table);
  std::size_t n = 0;
  auto done = in_transaction(**db, [&]() -> Result<void> {
    auto rows = (*db)->exec("SELECT tenant_id, " + key + ", key_id, " + box + " FROM " + table +
                                " WHERE key_id <> $1 FOR UPDATE",
                            {vault.key_id()});
    if (!rows) return err(rows);
    for (int i = 0; i < rows->rows(); ++i) {
      const auto tenant = static_cast<TenantId>(rows->integer(i, 0));
      const std::string row_key(rows->get(i, 1));
      auto plaintext = plaintext_of(tenant, row_key, std::string(rows->get(i, 2)), rows->get(i, 3));
      if (!plaintext) return std::unexpected(plaintext.error());
      auto updated = (*db)->exec("UPDATE " + table + " SET " + box + " = $3::bytea, key_id = $4 WHERE tenant_id = $1 AND " +
                                     key + " = $2",
                                 {std::to_string(tenant), row_key, bytea_param(vault.seal(*plaintext)), vault.key_id()});
      if (!updated) return err(updated);
      ++n;
    }
    return {};
  });
  if (!done) return std::unexpected(done.error());
  return n;
}

}  // namespace strata::coordinator
