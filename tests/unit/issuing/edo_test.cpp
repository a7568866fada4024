// The built-in file-drop EDO operator: what it leaves for the operator, and how it reads and
// forgets what the operator reports.
#include "skybill/issuing/edo.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include "skybill/issuing/issuing.hpp"

namespace skybill::issuing {
namespace {
namespace fs = std::filesystem;

class FileDrop : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = fs::temp_directory_path() /
          ("skybill-filedrop-" + std::to_string(getpid()) + "-" +
           std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
  }
  void TearDown() override { fs::remove_all(dir); }
  static std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  EdoParcel parcel(const std::string& name = "ON_NSCHFDOPPR_2BE-1_2BM-2_20261207_abc") {
    return {"d1", name, "<xml/>", "%PDF-", "2BM-2", "2BE-1"};
  }
  fs::path dir;
};

TEST_F(FileDrop, LeavesTheXmlAndPdfUnderTheFilesNameAndNoPartialFile) {
  FileDropOperator op(dir);
  EXPECT_EQ(op.name(), "file-drop");
  auto id = op.send(parcel());
  EXPECT_EQ(id, "ON_NSCHFDOPPR_2BE-1_2BM-2_20261207_abc");
  EXPECT_EQ(read(dir / "outgoing" / (id + ".xml")), "<xml/>");
  EXPECT_EQ(read(dir / "outgoing" / (id + ".pdf")), "%PDF-");
  for (const auto& e : fs::directory_iterator(dir / "outgoing"))
    EXPECT_FALSE(e.path().string().ends_with(".part")) << e.path();
  // Sent again (a retry after a lost answer): the same files, the same id.
  EXPECT_EQ(op.send(parcel()), id);
}

TEST_F(FileDrop, RefusesWhatNoOperatorWouldTakeForGood) {
  FileDropOperator op(dir);
  for (const std::string bad : {"../escape", "", "a/b", "name with spaces"}) {
    try {
      op.send(parcel(bad));
      ADD_FAILURE() << "sent " << bad;
    } catch (const EdoError& e) {
      EXPECT_FALSE(e.retryable) << bad;
    }
  }
  auto p = parcel();
  p.recipient_edo_id.clear();
  EXPECT_THROW(op.send(p), EdoError);
  EXPECT_FALSE(fs::exists(dir / "escape.xml"));
}

TEST_F(FileDrop, ReportsEachStatusUntilAcknowledgedAndIgnoresOtherFiles) {
  FileDropOperator op(dir);
  std::ofstream(dir / "statuses" / "F1.delivered") << "";
  std::ofstream(dir / "statuses" / "F2.refused.txt") << "wrong KPP of the buyer\n";
  std::ofstream(dir / "statuses" / "notes.md") << "not a status";
  std::ofstream(dir / "statuses" / "F3.lost") << "";
  auto first = op.poll();
  ASSERT_EQ(first.size(), 2u);
  std::map<std::string, EdoStatus> by_id;
  for (const auto& s : first) by_id[s.external_id] = s;
  EXPECT_EQ(by_id.at("F1").status, "delivered");
  EXPECT_EQ(by_id.at("F2").status, "refused");
  EXPECT_EQ(by_id.at("F2").note, "wrong KPP of the buyer");
  // Not acknowledged (the database did not commit): reported again.
  EXPECT_EQ(op.poll().size(), 2u);
  op.acknowledge(by_id.at("F1"));
  auto second = op.poll();
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].external_id, "F2");
  EXPECT_TRUE(fs::exists(dir / "statuses" / "done" / "F1.delivered"));
  op.acknowledge(second[0]);
  EXPECT_TRUE(op.poll().empty());
  EXPECT_TRUE(fs::exists(dir / "statuses" / "notes.md"));
}

TEST(Signer, SplitsTheNameIntoItsParts) {
  auto s = signer_from_name("Сидоров  Алексей Петрович", "Генеральный директор");
  EXPECT_EQ(s.last_name, "Сидоров");
  EXPECT_EQ(s.first_name, "Алексей");
  EXPECT_EQ(s.middle_name, "Петрович");
  EXPECT_EQ(s.position, "Генеральный директор");
  auto two = signer_from_name("Smith John", "CEO");
  EXPECT_EQ(two.middle_name, "");
}

}  // namespace
}  // namespace skybill::issuing
