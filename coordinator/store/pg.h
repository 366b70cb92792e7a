// PostgreSQL through libpq: connections, parameterized statements (never concatenated SQL),
// transactions, COPY for bulk rows, and a small pool. Values travel as text; NULL is nullopt.
#pragma once

#include <condition_variable>
#include <memory>
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

struct pg_conn;
struct pg_result;

namespace strata::coordinator {

using PgParam = std::optional<std::string>;
using PgParams = std::vector<PgParam>;

class PgResult {
 public:
  explicit PgResult(pg_result* result) : result_(result) {}
  PgResult(PgResult&& other) noexcept : result_(std::exchange(other.result_, nullptr)) {}
  PgResult& operator=(PgResult&& other) noexcept;
  ~PgResult();

  int rows() const;
  bool null(int row, int column) const;
  std::string_view get(int row, int column) const;  // "" for NULL
  std::optional<std::string> optional(int row, int column) const;
  std::int64_t integer(int row, int column) const;
  std::int64_t affected() const;  // rows an INSERT/UPDATE/DELETE touched
  int status() const;             // libpq's ExecStatusType

 private:
  pg_result* result_;
};

class PgConnection {
 public:
  static Result<std::unique_ptr<PgConnection>> connect(const std::string& url);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  Result<PgResult> exec(std::string_view sql, const PgParams& params = {});
  // Runs a script of several statements with no parameters (migrations).
  Result<void> exec_script(std::string_view sql);
  // COPY table (columns) FROM STDIN with these rows.
  Result<void> copy_in(std::string_view table, const std::vector<std::string>& columns,
                       const std::vector<std::vector<PgParam>>& rows);
  bool healthy() const;
  // After LISTEN on this connection: the payload of the next notification, waiting at most
  // `timeout`; nullopt when none came. An error when the connection broke.
  Result<std::optional<std::string>> wait_notification(std::chrono::milliseconds timeout);

 private:
  explicit PgConnection(pg_conn* conn) : conn_(conn) {}
  Error error(std::string_view what) const;
  pg_conn* conn_;
};

// Runs `body` in a transaction: COMMIT when it returns a value, ROLLBACK when it returns an error.
template <class F>
auto in_transaction(PgConnection& db, F&& body) -> decltype(body()) {
  if (auto r = db.exec("BEGIN"); !r) return std::unexpected(r.error());
  auto result = body();
  if (!result) {
    (void)db.exec("ROLLBACK");
    return result;
  }
  if (auto r = db.exec("COMMIT"); !r) return std::unexpected(r.error());
  return result;
}

// A fixed number of connections shared by threads. acquire() blocks until one is free and
// replaces a broken one by a fresh connection.
class PgPool {
 public:
  PgPool(std::string url, std::size_t size) : url_(std::move(url)), size_(size) {}

  class Lease {
   public:
    Lease(PgPool& pool, std::unique_ptr<PgConnection> conn) : pool_(&pool), conn_(std::move(conn)) {}
    Lease(Lease&&) = default;
    ~Lease();
    PgConnection& operator*() { return *conn_; }
    PgConnection* operator->() { return conn_.get(); }

   private:
    PgPool* pool_;
    std::unique_ptr<PgConnection> conn_;
  };

  Result<Lease> acquire();
  // Where it connects: a component that needs connections of its own opens a pool to the same.
  const std::string& url() const { return url_; }

 private:
  void release(std::unique_ptr<PgConnection> conn);

  std::string url_;
  static constexpr std::chrono::seconds kAcquireTimeout{30};
  std::size_t size_;
  std::mutex mutex_;
  std::condition_variable freed_;
  std::vector<std::unique_ptr<PgConnection>> idle_;
  std::size_t out_ = 0;
};

}  // namespace strata::coordinator
