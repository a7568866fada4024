#pragma once
// What store code runs its statements on. Includes libpqxx: include it from store.cpp files only.
#include <pqxx/pqxx>

namespace skybill::db {

class Tx {
 public:
  explicit Tx(pqxx::transaction_base& t) : t_(t) {}
  pqxx::transaction_base& operator*() { return t_; }
  pqxx::transaction_base* operator->() { return &t_; }

 private:
  pqxx::transaction_base& t_;
};

}  // namespace skybill::db
