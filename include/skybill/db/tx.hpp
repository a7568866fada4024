#pragma once
// The transaction handed to store code. Includes libpqxx: include it from store.cpp files only.
#include <pqxx/pqxx>

namespace skybill::db {

class Tx {
 public:
  Tx(pqxx::connection& conn, pqxx::work& work) : conn_(conn), work_(work) {}
  pqxx::work& operator*() { return work_; }
  pqxx::work* operator->() { return &work_; }
  pqxx::connection& connection() { return conn_; }

 private:
  pqxx::connection& conn_;
  pqxx::work& work_;
};

}  // namespace skybill::db
