#pragma once
// What store code runs its statements on. Includes libpqxx: include it from store.cpp files only.
#include <pqxx/pqxx>

namespace skybill::db {

class Tx {
 public:
  Tx(pqxx::connection& conn, pqxx::transaction_base& t) : conn_(conn), t_(t) {}
  pqxx::transaction_base& operator*() { return t_; }
  pqxx::transaction_base* operator->() { return &t_; }
  pqxx::connection& connection() { return conn_; }

 private:
  pqxx::connection& conn_;
  pqxx::transaction_base& t_;
};

}  // namespace skybill::db
