#pragma once
// EDO operators (Diadoc, SBIS and the like) take a document's XML for a buyer and report what
// became of it. The interface is all the gateway needs of one; FileDropOperator is the built-in
// operator for tests and for operators that collect files from a directory.
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace skybill::issuing {

struct EdoParcel {
  std::string dispatch_id;   // ours; an operator dedupes a repeat by it
  std::string file_name;     // ON_NSCHFDOPPR_..., without extension
  std::string xml;           // windows-1251 bytes
  std::string pdf;           // the printed form, for operators that carry one
  std::string sender_edo_id, recipient_edo_id;
};

// What an operator says of a message: delivered to the buyer, signed by it, or refused (with
// the buyer's reason).
struct EdoStatus {
  std::string external_id;
  std::string status;  // delivered | signed | refused
  std::string note;    // the refusal's reason, the operator's remark
  std::string token;   // the operator's handle, given back to acknowledge()
};

// A refusal to take the parcel; retryable ones are tried again with back-off.
struct EdoError : std::runtime_error {
  EdoError(const std::string& what, bool retryable) : std::runtime_error(what), retryable(retryable) {}
  bool retryable;
};

class EdoOperator {
 public:
  virtual ~EdoOperator() = default;
  virtual std::string name() const = 0;
  // Hands the parcel over; returns the operator's id of the message. Throws EdoError.
  virtual std::string send(const EdoParcel& parcel) = 0;
  // Statuses reported and not yet acknowledged, oldest first.
  virtual std::vector<EdoStatus> poll() = 0;
  // The status is recorded (committed): the operator may forget it.
  virtual void acknowledge(const EdoStatus& status) = 0;
};

// Writes <dir>/outgoing/<file name>.xml (and .pdf) atomically; the operator (or a person)
// reports by dropping <dir>/statuses/<file name>.<status>[.txt] files — status delivered,
// signed or refused, the file's text the note — which poll() reads and acknowledge() moves to
// <dir>/statuses/done/.
class FileDropOperator final : public EdoOperator {
 public:
  explicit FileDropOperator(std::filesystem::path dir);
  std::string name() const override { return "file-drop"; }
  std::string send(const EdoParcel& parcel) override;
  std::vector<EdoStatus> poll() override;
  void acknowledge(const EdoStatus& status) override;

 private:
  std::filesystem::path dir_;
};

}  // namespace skybill::issuing
