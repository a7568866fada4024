// The tax service's XML of the УПД (5.03) and the УКД (5.02): valid against the official XSDs
// in config/formats/, read back with libxml2 for the figures, refused when the data is wrong;
// and the validator itself, which must catch a broken file.
#include "skybill/documents/upd_xml.hpp"

#include <gtest/gtest.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "closing_samples.hpp"
#include "skybill/core/money.hpp"
#include "skybill/core/problem.hpp"
#include "skybill/documents/xml_schema.hpp"

namespace skybill::documents {
namespace {

const std::string kUpdXsd = std::string(SKYBILL_SOURCE_DIR) + "/config/formats/" + std::string(kUpdSchemaFile);
const std::string kUkdXsd = std::string(SKYBILL_SOURCE_DIR) + "/config/formats/" + std::string(kCorrectionSchemaFile);

constexpr const char* kDeclaration = "<?xml version=\"1.0\" encoding=\"windows-1251\"?>\n";
// "Ромашка" in windows-1251 and in UTF-8.
const std::string kRomashkaCp1251 = "\xD0\xEE\xEC\xE0\xF8\xEA\xE0";
const std::string kRomashkaUtf8 = "Ромашка";

// A file read back. libxml2 decodes windows-1251 by the declaration, so paths are UTF-8. Paths
// are "/Файл/Документ/ТаблСчФакт/СведТов[2]/@НалСт": element names, each with an optional
// 1-based index, then an attribute or nothing (the element's text). No XPath: libxml2 2.9's
// XPath does not take Cyrillic names.
class Parsed {
 public:
  explicit Parsed(const std::string& bytes)
      : doc_(xmlReadMemory(bytes.data(), static_cast<int>(bytes.size()), nullptr, nullptr, XML_PARSE_NONET)) {
    if (!doc_) throw std::runtime_error("not well-formed");
  }

  std::string value(const std::string& path) const {
    const auto [node, attribute] = find(path);
    if (!node) return "";
    xmlChar* v = attribute.empty() ? xmlNodeGetContent(node) : xmlGetProp(node, x(attribute.c_str()));
    if (!v) return "";
    std::string out(reinterpret_cast<const char*>(v));
    xmlFree(v);
    return out;
  }
  // Elements named by the path's last step under its parent (an attribute: 0 or 1).
  int count(const std::string& path) const {
    const auto slash = path.rfind('/');
    const std::string last = path.substr(slash + 1);
    const auto [parent, unused] = find(path.substr(0, slash));
    if (!parent) return 0;
    if (last.starts_with("@")) return xmlHasProp(parent, x(last.c_str() + 1)) ? 1 : 0;
    int n = 0;
    for (xmlNode* c = parent->children; c; c = c->next)
      if (c->type == XML_ELEMENT_NODE && name_of(c) == last) ++n;
    return n;
  }
  std::int64_t minor(const std::string& path) const {
    return core::Money::parse(value(path), core::currency("RUB")).minor();
  }

  void remove(const std::string& path) {
    const auto [node, attribute] = find(path);
    ASSERT_NE(node, nullptr) << path;
    if (!attribute.empty()) {
      ASSERT_EQ(xmlUnsetProp(node, x(attribute.c_str())), 0) << path;
      return;
    }
    xmlUnlinkNode(node);
    xmlFreeNode(node);
  }
  void set_attribute(const std::string& path, const char* name, const char* value) {
    const auto [node, unused] = find(path);
    ASSERT_NE(node, nullptr) << path;
    xmlSetProp(node, x(name), x(value));
  }

  std::string bytes() const {
    xmlChar* out = nullptr;
    int size = 0;
    xmlDocDumpMemoryEnc(doc_.get(), &out, &size, "windows-1251");
    std::string s(reinterpret_cast<const char*>(out), static_cast<std::size_t>(size));
    xmlFree(out);
    return s;
  }

 private:
  struct DocFree {
    void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
  };
  static const xmlChar* x(const char* s) { return reinterpret_cast<const xmlChar*>(s); }
  static std::string name_of(const xmlNode* n) { return reinterpret_cast<const char*>(n->name); }

  // The element the path leads to and the attribute it ends with ("" for none).
  std::pair<xmlNode*, std::string> find(const std::string& path) const {
    xmlNode* node = nullptr;
    std::string attribute;
    std::size_t i = 0;
    while (i < path.size()) {
      auto end = path.find('/', i);
      if (end == std::string::npos) end = path.size();
      std::string step = path.substr(i, end - i);
      i = end + 1;
      if (step.empty()) continue;
      if (step.starts_with("@")) {
        attribute = step.substr(1);
        break;
      }
      int index = 1;
      if (const auto bracket = step.find('['); bracket != std::string::npos) {
        index = std::stoi(step.substr(bracket + 1));
        step.resize(bracket);
      }
      node = child(node, step, index);
      if (!node) return {nullptr, ""};
    }
    return {node, attribute};
  }

  xmlNode* child(xmlNode* parent, const std::string& name, int index) const {
    for (xmlNode* c = parent ? parent->children : xmlDocGetRootElement(doc_.get()); c; c = c->next)
      if (c->type == XML_ELEMENT_NODE && name_of(c) == name && --index == 0) return c;
    return nullptr;
  }

  std::unique_ptr<xmlDoc, DocFree> doc_;
};

bool has_field(const std::vector<core::FieldError>& errors, const std::string& field) {
  return std::any_of(errors.begin(), errors.end(), [&](const auto& e) { return e.field == field; });
}

std::string message_of(const std::vector<core::FieldError>& errors, const std::string& field) {
  for (const auto& e : errors)
    if (e.field == field) return e.message;
  return "";
}

bool mentions(const std::vector<std::string>& errors, const std::string& word) {
  return std::any_of(errors.begin(), errors.end(), [&](const auto& e) { return e.find(word) != std::string::npos; });
}

std::string joined(const std::vector<std::string>& errors) {
  std::string out;
  for (const auto& e : errors) out += e + "\n";
  return out;
}

const std::string kLine = "/Файл/Документ/ТаблСчФакт/СведТов";
const std::string kKLine = "/Файл/Документ/ТаблКСчФ/СведТов";

// ---- УПД ------------------------------------------------------------------------------------

TEST(UpdXml, SampleIsValidAgainstTheOfficialXsd) {
  const auto errors = validate_xml(render_upd_xml(samples::upd()), kUpdXsd);
  EXPECT_TRUE(errors.empty()) << joined(errors);
}

TEST(UpdXml, IsWindows1251AndSaysSo) {
  const auto xml = render_upd_xml(samples::upd());
  EXPECT_TRUE(xml.starts_with(kDeclaration)) << xml.substr(0, 60);
  EXPECT_NE(xml.find(kRomashkaCp1251), std::string::npos);
  EXPECT_EQ(xml.find(kRomashkaUtf8), std::string::npos);
  EXPECT_EQ(Parsed(xml).value("/Файл/Документ/СвСчФакт/СвПокуп/ИдСв/СвЮЛУч/@НаимОрг"), "ООО \"Ромашка\"");
}

TEST(UpdXml, FileIdFollowsTheFormatAndIsTheИдФайл) {
  const auto upd = samples::upd();
  EXPECT_EQ(upd_file_id(upd),
            "ON_NSCHFDOPPR_2BE-7728168971-772801001-202001010000000002_2BM-7702070139-770201001-201409301000000001_"
            "20261207_4f2b9c1e-7d3a-4e8b-9a6f-0c1d2e3f4a5b_0_0_0_0_0_00");
  EXPECT_EQ(Parsed(render_upd_xml(upd)).value("/Файл/@ИдФайл"), upd_file_id(upd));
}

TEST(UpdXml, HeadCarriesTheDocumentAndBothParties) {
  const Parsed xml(render_upd_xml(samples::upd()));
  EXPECT_EQ(xml.value("/Файл/@ВерсФорм"), "5.03");
  EXPECT_TRUE(xml.value("/Файл/@ВерсПрог").starts_with("skybill "));
  const std::string doc = "/Файл/Документ";
  EXPECT_EQ(xml.value(doc + "/@КНД"), "1115131");
  EXPECT_EQ(xml.value(doc + "/@Функция"), "СЧФДОП");
  EXPECT_EQ(xml.value(doc + "/@ДатаИнфПр"), "07.12.2026");
  EXPECT_EQ(xml.value(doc + "/@ВремИнфПр"), "15.30.00");
  EXPECT_EQ(xml.value(doc + "/@НаимЭконСубСост"), "ООО \"Скайбилл\"");
  EXPECT_EQ(xml.value(doc + "/СвСчФакт/@НомерДок"), "DA-U-2026-000001");
  EXPECT_EQ(xml.value(doc + "/СвСчФакт/@ДатаДок"), "07.12.2026");
  EXPECT_EQ(xml.value(doc + "/СвСчФакт/СвПрод/ИдСв/СвЮЛУч/@ИННЮЛ"), "7702070139");
  EXPECT_EQ(xml.value(doc + "/СвСчФакт/СвПрод/ИдСв/СвЮЛУч/@КПП"), "770201001");
  EXPECT_EQ(xml.value(doc + "/СвСчФакт/СвПрод/Адрес/АдрИнф/@АдрТекст"), "125009, г. Москва, ул. Тверская, д. 1");
  EXPECT_EQ(xml.value(doc + "/СвСчФакт/СвПокуп/ИдСв/СвЮЛУч/@ИННЮЛ"), "7728168971");
  EXPECT_EQ(xml.value(doc + "/СвСчФакт/СвПокуп/ИдСв/СвЮЛУч/@КПП"), "772801001");
  EXPECT_EQ(xml.value(doc + "/СвСчФакт/ДенИзм/@КодОКВ"), "643");
  EXPECT_EQ(xml.value(doc + "/СвСчФакт/СвПРД/@НомерПРД"), "123");
  EXPECT_EQ(xml.value(doc + "/СвСчФакт/СвПРД/@ДатаПРД"), "07.12.2026");
  EXPECT_EQ(xml.value(doc + "/СвСчФакт/ИнфПолФХЖ1/ТекстИнф/@Значен"), "PNR ABC123, ORD-1001");
  EXPECT_EQ(xml.value(doc + "/СвПродПер/СвПер/@ДатаПер"), "07.12.2026");
  EXPECT_EQ(xml.value(doc + "/СвПродПер/СвПер/ОснПер/@РеквНомерДок"), "DA-2026-000001");
  EXPECT_EQ(xml.value(doc + "/СвПродПер/СвПер/ОснПер/@РеквДатаДок"), "07.12.2026");
  EXPECT_EQ(xml.value(doc + "/СвПродПер/СвПер/СвЛицПер/РабОргПрод/ФИО/@Фамилия"), "Иванов");
  EXPECT_EQ(xml.value(doc + "/Подписант/@Должн"), "Генеральный директор");
  EXPECT_EQ(xml.value(doc + "/Подписант/ФИО/@Фамилия"), "Иванов");
  EXPECT_EQ(xml.value(doc + "/Подписант/ФИО/@Имя"), "Пётр");
  EXPECT_EQ(xml.value(doc + "/Подписант/ФИО/@Отчество"), "Сергеевич");
}

TEST(UpdXml, LinesCarryTheSampleFigures) {
  const Parsed xml(render_upd_xml(samples::upd()));
  ASSERT_EQ(xml.count(kLine), 3);
  // Fare 10 000.00 at 10 %: VAT 909.09.
  EXPECT_EQ(xml.value(kLine + "[1]/@НомСтр"), "1");
  EXPECT_EQ(xml.value(kLine + "[1]/@ОКЕИ_Тов"), "796");
  EXPECT_EQ(xml.value(kLine + "[1]/@НаимЕдИзм"), "шт");
  EXPECT_EQ(xml.value(kLine + "[1]/@КолТов"), "1");
  EXPECT_EQ(xml.value(kLine + "[1]/@НалСт"), "10%");
  EXPECT_EQ(xml.value(kLine + "[1]/@СтТовУчНал"), "10000.00");
  EXPECT_EQ(xml.value(kLine + "[1]/@СтТовБезНДС"), "9090.91");
  EXPECT_EQ(xml.value(kLine + "[1]/@ЦенаТов"), "9090.91");
  EXPECT_EQ(xml.value(kLine + "[1]/СумНал/СумНал"), "909.09");
  // Airport charge 499.50 at 22 %: VAT 90.07.
  EXPECT_EQ(xml.value(kLine + "[2]/@НалСт"), "22%");
  EXPECT_EQ(xml.value(kLine + "[2]/@СтТовУчНал"), "499.50");
  EXPECT_EQ(xml.value(kLine + "[2]/@СтТовБезНДС"), "409.43");
  EXPECT_EQ(xml.value(kLine + "[2]/СумНал/СумНал"), "90.07");
  // Service fee without VAT.
  EXPECT_EQ(xml.value(kLine + "[3]/@НалСт"), "без НДС");
  EXPECT_EQ(xml.value(kLine + "[3]/@СтТовУчНал"), "1000.00");
  EXPECT_EQ(xml.value(kLine + "[3]/СумНал/БезНДС"), "без НДС");
  EXPECT_EQ(xml.count(kLine + "[3]/СумНал/СумНал"), 0);

  const std::string total = "/Файл/Документ/ТаблСчФакт/ВсегоОпл";
  EXPECT_EQ(xml.value(total + "/@СтТовУчНалВсего"), "11499.50");
  EXPECT_EQ(xml.value(total + "/@СтТовБезНДСВсего"), "10500.34");
  EXPECT_EQ(xml.value(total + "/СумНалВсего/СумНал"), "999.16");
}

TEST(UpdXml, LinesAddUpToTheTotalsInTheFile) {
  const auto upd = samples::upd();
  const Parsed xml(render_upd_xml(upd));
  std::int64_t with_vat = 0, without_vat = 0, vat = 0;
  for (int i = 1; i <= xml.count(kLine); ++i) {
    const std::string line = kLine + "[" + std::to_string(i) + "]";
    with_vat += xml.minor(line + "/@СтТовУчНал");
    without_vat += xml.minor(line + "/@СтТовБезНДС");
    if (xml.count(line + "/СумНал/СумНал") == 1) vat += xml.minor(line + "/СумНал/СумНал");
  }
  const std::string total = "/Файл/Документ/ТаблСчФакт/ВсегоОпл";
  EXPECT_EQ(with_vat, upd.total_minor);
  EXPECT_EQ(vat, upd.vat_minor);
  EXPECT_EQ(with_vat, xml.minor(total + "/@СтТовУчНалВсего"));
  EXPECT_EQ(without_vat, xml.minor(total + "/@СтТовБезНДСВсего"));
  EXPECT_EQ(vat, xml.minor(total + "/СумНалВсего/СумНал"));
}

TEST(UpdXml, TransferOnlyVariantIsValid) {
  auto upd = samples::upd();
  upd.function = Upd::Function::dop;
  const auto xml = render_upd_xml(upd);
  const auto errors = validate_xml(xml, kUpdXsd);
  EXPECT_TRUE(errors.empty()) << joined(errors);
  const Parsed parsed(xml);
  EXPECT_EQ(parsed.value("/Файл/Документ/@Функция"), "ДОП");
  EXPECT_EQ(parsed.value("/Файл/Документ/@НаимДокОпр"), parsed.value("/Файл/Документ/@ПоФактХЖ"));
}

TEST(UpdXml, CommissionToTheAirlineIsValid) {
  const auto xml = render_upd_xml(samples::commission());
  const auto errors = validate_xml(xml, kUpdXsd);
  EXPECT_TRUE(errors.empty()) << joined(errors);
  const Parsed parsed(xml);
  const std::string seller = "/Файл/Документ/СвСчФакт/СвПрод";
  EXPECT_EQ(parsed.value(seller + "/ИдСв/СвЮЛУч/@ИННЮЛ"), "7707083893");
  EXPECT_EQ(parsed.value(seller + "/БанкРекв/@НомерСчета"), "40702810900000000001");
  EXPECT_EQ(parsed.value(seller + "/БанкРекв/СвБанк/@БИК"), "044525225");
  EXPECT_EQ(parsed.value("/Файл/Документ/@НаимЭконСубСост"), "ООО \"Скайбилл\"");
  EXPECT_EQ(parsed.count("/Файл/Документ/Подписант/ФИО/@Отчество"), 0);  // none given
  EXPECT_EQ(parsed.value(kLine + "[1]/@СтТовУчНал"), "344.99");
  EXPECT_EQ(parsed.value(kLine + "[1]/СумНал/СумНал"), "62.21");
  EXPECT_EQ(parsed.count("/Файл/Документ/СвСчФакт/СвПРД"), 0);
}

TEST(UpdXml, GuaranteeWithoutPaymentsHasNoPaymentDocuments) {
  auto upd = samples::upd();
  upd.payments.clear();
  const auto xml = render_upd_xml(upd);
  EXPECT_TRUE(validate_xml(xml, kUpdXsd).empty());
  EXPECT_EQ(Parsed(xml).count("/Файл/Документ/СвСчФакт/СвПРД"), 0);
}

TEST(UpdXml, SoleProprietorBuyerIsNamedByFio) {
  auto upd = samples::upd();
  upd.buyer = {"ИП Петров Иван Сергеевич", "500100732259", "", "141000, Московская обл., г. Мытищи, ул. Мира, д. 5",
               "2BE-500100732259", "", "", "", ""};
  const auto xml = render_upd_xml(upd);
  const auto errors = validate_xml(xml, kUpdXsd);
  EXPECT_TRUE(errors.empty()) << joined(errors);
  const Parsed parsed(xml);
  const std::string ip = "/Файл/Документ/СвСчФакт/СвПокуп/ИдСв/СвИП";
  EXPECT_EQ(parsed.value(ip + "/@ИННФЛ"), "500100732259");
  EXPECT_EQ(parsed.value(ip + "/ФИО/@Фамилия"), "Петров");
  EXPECT_EQ(parsed.value(ip + "/ФИО/@Отчество"), "Сергеевич");
}

TEST(UpdXml, UnitPriceOfSeveralUnitsKeepsItsDecimals) {
  auto upd = samples::upd();
  upd.lines[2].quantity = 3;  // 1 000.00 for three: 333.33333333333 each
  const auto xml = render_upd_xml(upd);
  EXPECT_TRUE(validate_xml(xml, kUpdXsd).empty());
  EXPECT_EQ(Parsed(xml).value(kLine + "[3]/@ЦенаТов"), "333.33333333333");
}

TEST(UpdXml, TextIsEscapedNotBroken) {
  auto upd = samples::upd();
  upd.lines[2].description = "Сбор <агента> & \"сервис\" 'Ёлка' №1";
  const auto xml = render_upd_xml(upd);
  EXPECT_TRUE(validate_xml(xml, kUpdXsd).empty());
  EXPECT_EQ(Parsed(xml).value(kLine + "[3]/@НаимТов"), "Сбор <агента> & \"сервис\" 'Ёлка' №1");
}

TEST(UpdProblems, NoneForTheSamples) {
  EXPECT_TRUE(upd_problems(samples::upd()).empty());
  EXPECT_TRUE(upd_problems(samples::commission()).empty());
}

TEST(UpdProblems, ForeignCurrencyIsRefused) {
  auto upd = samples::upd();
  upd.currency = "USD";
  const auto problems = upd_problems(upd);
  EXPECT_EQ(message_of(problems, "currency"),
            "the UPD states amounts in roubles only (ОКВ 643); the booking is in USD");
}

TEST(UpdProblems, OrganisationBuyerWithoutKpp) {
  auto upd = samples::upd();
  upd.buyer.kpp.clear();
  const auto problems = upd_problems(upd);
  ASSERT_TRUE(has_field(problems, "buyer.kpp"));
  EXPECT_NE(message_of(problems, "buyer.kpp").find("without a KPP"), std::string::npos);
}

TEST(UpdProblems, TotalsThatTheLinesDoNotMake) {
  auto upd = samples::upd();
  upd.total_minor += 1;
  upd.vat_minor -= 1;
  const auto problems = upd_problems(upd);
  EXPECT_EQ(message_of(problems, "total_minor"), "the lines' amounts add up to 11499.50, not the stated 11499.51");
  EXPECT_EQ(message_of(problems, "vat_minor"), "the lines' VAT add up to 999.16, not the stated 999.15");
}

TEST(UpdProblems, VatThatIsNotTheRate) {
  auto upd = samples::upd();
  upd.lines[0].vat_minor = 90910;
  upd.vat_minor += 1;
  const auto problems = upd_problems(upd);
  ASSERT_EQ(problems.size(), 1u) << problems[0].field;
  EXPECT_EQ(problems[0].field, "lines[0].vat_minor");
  EXPECT_EQ(problems[0].message, "line 1: VAT 909.10 is not 10000.00 × 10 / (100 + 10) = 909.09, rounded half-up");
}

TEST(UpdProblems, RateNotInForceOnTheDocumentsDate) {
  auto upd = samples::upd();
  upd.lines[2].vat_rate = "20";
  upd.lines[2].vat_minor = 16667;  // 1 000.00 × 20/120
  upd.vat_minor += 16667;
  const auto problems = upd_problems(upd);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].field, "lines[2].vat_rate");
}

TEST(UpdProblems, PartiesSignerAndFileName) {
  auto upd = samples::upd();
  upd.seller.address.clear();
  upd.seller.inn = "7702070138";  // control digit off
  upd.buyer.edo_id.clear();
  upd.file_guid = "not-a-guid";
  upd.signer = {};
  upd.time = "25:00:00";
  const auto problems = upd_problems(upd);
  for (const char* field : {"seller.address", "seller.inn", "buyer.edo_id", "file_guid", "signer.last_name",
                            "signer.first_name", "signer.position", "time"})
    EXPECT_TRUE(has_field(problems, field)) << field;
  EXPECT_FALSE(has_field(problems, "signer.middle_name"));
}

TEST(UpdProblems, SoleProprietorWhoseNameIsNotAFio) {
  auto upd = samples::upd();
  upd.buyer = {"Петров", "500100732259", "", "г. Мытищи", "2BE-500100732259", "", "", "", ""};
  EXPECT_TRUE(has_field(upd_problems(upd), "buyer.name"));
}

TEST(UpdProblems, LineBreaksAndBadUtf8) {
  auto upd = samples::upd();
  upd.lines[0].description = "Авиаперевозка\nSVO-LED";
  upd.reference = "\xC3\x28";
  const auto problems = upd_problems(upd);
  EXPECT_TRUE(has_field(problems, "lines[0].description"));
  EXPECT_TRUE(has_field(problems, "reference"));
}

TEST(UpdProblems, RenderThrowsWithEveryProblemAndWritesNothing) {
  auto upd = samples::upd();
  upd.currency = "USD";
  upd.buyer.kpp.clear();
  upd.lines[1].vat_minor = 1;
  const auto problems = upd_problems(upd);
  ASSERT_GE(problems.size(), 3u);
  try {
    render_upd_xml(upd);
    FAIL() << "rendered a UPD in USD";
  } catch (const core::Problem& p) {
    EXPECT_EQ(p.status, 422);
    EXPECT_EQ(p.type, "validation-failed");
    ASSERT_EQ(p.errors.size(), problems.size());
    for (std::size_t i = 0; i < problems.size(); ++i) EXPECT_EQ(p.errors[i].field, problems[i].field);
  }
}

// ---- The validator ----------------------------------------------------------------------------

TEST(XmlSchema, MissingRequiredElementIsReported) {
  Parsed xml(render_upd_xml(samples::upd()));
  xml.remove("/Файл/Документ/СвСчФакт/ДенИзм");
  const auto errors = validate_xml(xml.bytes(), kUpdXsd);
  ASSERT_FALSE(errors.empty());
  EXPECT_TRUE(mentions(errors, "ДенИзм")) << joined(errors);
}

TEST(XmlSchema, ValueOutsideTheEnumerationIsReported) {
  Parsed xml(render_upd_xml(samples::upd()));
  xml.set_attribute(kLine + "[1]", "НалСт", "23%");
  const auto errors = validate_xml(xml.bytes(), kUpdXsd);
  EXPECT_TRUE(mentions(errors, "НалСт")) << joined(errors);
}

TEST(XmlSchema, MissingRequiredAttributeIsReported) {
  Parsed xml(render_upd_xml(samples::upd()));
  xml.remove("/Файл/Документ/@КНД");
  EXPECT_TRUE(mentions(validate_xml(xml.bytes(), kUpdXsd), "КНД"));
}

TEST(XmlSchema, NotWellFormedIsOneMessage) {
  const auto errors = validate_xml("<?xml version=\"1.0\"?><Файл><Документ></Файл>", kUpdXsd);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_TRUE(errors[0].starts_with("not well-formed XML")) << errors[0];
}

TEST(XmlSchema, UnreadableSchemaThrows) {
  EXPECT_THROW(validate_xml("<a/>", kUpdXsd + ".missing"), std::runtime_error);
}

TEST(XmlSchema, ValidatesFromSeveralThreadsAtOnce) {
  const auto xml = render_upd_xml(samples::upd());
  const auto broken = std::string(xml).replace(xml.find("1115131"), 7, "1115999");
  std::atomic<int> wrong = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 5; ++i) {
        if (!validate_xml(xml, kUpdXsd).empty()) ++wrong;
        if (validate_xml(broken, kUpdXsd).empty()) ++wrong;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
}

// ---- УКД ------------------------------------------------------------------------------------

TEST(CorrectionXml, SampleIsValidAgainstTheOfficialXsd) {
  const auto errors = validate_xml(render_correction_xml(samples::correction()), kUkdXsd);
  EXPECT_TRUE(errors.empty()) << joined(errors);
}

TEST(CorrectionXml, IsWindows1251WithItsFileId) {
  const auto correction = samples::correction();
  const auto xml = render_correction_xml(correction);
  EXPECT_TRUE(xml.starts_with(kDeclaration));
  EXPECT_NE(xml.find(kRomashkaCp1251), std::string::npos);
  EXPECT_EQ(xml.find(kRomashkaUtf8), std::string::npos);
  EXPECT_EQ(correction_file_id(correction),
            "ON_NKORSCHFDOPPR_2BE-7728168971-772801001-202001010000000002_2BM-7702070139-770201001-"
            "201409301000000001_20261209_9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d_0_0_0_0_0_00");
  EXPECT_EQ(Parsed(xml).value("/Файл/@ИдФайл"), correction_file_id(correction));
}

TEST(CorrectionXml, HeadNamesTheCorrectedUpd) {
  const Parsed xml(render_correction_xml(samples::correction()));
  const std::string doc = "/Файл/Документ";
  EXPECT_EQ(xml.value("/Файл/@ВерсФорм"), "5.02");
  EXPECT_EQ(xml.value(doc + "/@КНД"), "1115133");
  EXPECT_EQ(xml.value(doc + "/@Функция"), "КСЧФДИС");
  EXPECT_EQ(xml.value(doc + "/@ДатаИнфПр"), "09.12.2026");
  EXPECT_EQ(xml.value(doc + "/@ВремИнфПр"), "11.00.00");
  EXPECT_EQ(xml.value(doc + "/СвКСчФ/@НомерДок"), "DA-K-2026-000001");
  EXPECT_EQ(xml.value(doc + "/СвКСчФ/СчФ/@НомерСчФ"), "DA-U-2026-000001");
  EXPECT_EQ(xml.value(doc + "/СвКСчФ/СчФ/@ДатаСчФ"), "07.12.2026");
  EXPECT_EQ(xml.value(doc + "/СвКСчФ/СвПокуп/ИдСв/СвЮЛУч/@КПП"), "772801001");
  EXPECT_EQ(xml.value(doc + "/СодФХЖ3/@СодОпер"), "2");
  EXPECT_EQ(xml.value(doc + "/СодФХЖ3/ПередатДокум/@РеквНомерДок"), "DA-U-2026-000001");
  EXPECT_EQ(xml.value(doc + "/СодФХЖ3/ДокумОснКор/@РеквНаимДок"), "Возврат авиабилета 5551234567890");
  EXPECT_EQ(xml.value(doc + "/Подписант/ФИО/@Фамилия"), "Иванов");
}

TEST(CorrectionXml, EachLineBeforeAndAfter) {
  const Parsed xml(render_correction_xml(samples::correction()));
  ASSERT_EQ(xml.count(kKLine), 3);
  const std::string fare = kKLine + "[1]";
  EXPECT_EQ(xml.value(fare + "/@ПорНомТовВСЧФ"), "1");
  EXPECT_EQ(xml.value(fare + "/@КолТовДо"), "1");
  EXPECT_EQ(xml.value(fare + "/@КолТовПосле"), "0");
  EXPECT_EQ(xml.value(fare + "/@ЦенаТовДо"), "9090.91");
  EXPECT_EQ(xml.value(fare + "/@ЦенаТовПосле"), "9090.91");
  EXPECT_EQ(xml.value(fare + "/@НалСт"), "10%");
  EXPECT_EQ(xml.value(fare + "/СтТовБезНДС/@СтоимДоИзм"), "9090.91");
  EXPECT_EQ(xml.value(fare + "/СтТовБезНДС/@СтоимПослеИзм"), "0.00");
  EXPECT_EQ(xml.value(fare + "/СтТовБезНДС/@СтоимУм"), "9090.91");
  EXPECT_EQ(xml.value(fare + "/СумНалДо/СумНДС"), "909.09");
  EXPECT_EQ(xml.value(fare + "/СумНалПосле/СумНДС"), "0.00");
  EXPECT_EQ(xml.value(fare + "/СумНалРазн/СумУм"), "909.09");
  EXPECT_EQ(xml.value(fare + "/СтТовУчНал/@СтоимДоИзм"), "10000.00");
  EXPECT_EQ(xml.value(fare + "/СтТовУчНал/@СтоимУм"), "10000.00");
  EXPECT_EQ(xml.value(kKLine + "[2]/СумНалРазн/СумУм"), "90.07");
  // The service fee stays: no increase, no decrease, no VAT.
  const std::string fee = kKLine + "[3]";
  EXPECT_EQ(xml.count(fee + "/СтТовУчНал/@СтоимУвел"), 0);
  EXPECT_EQ(xml.count(fee + "/СтТовУчНал/@СтоимУм"), 0);
  EXPECT_EQ(xml.value(fee + "/СумНалДо/БезНДС"), "без НДС");
  EXPECT_EQ(xml.value(fee + "/@ЦенаТовПосле"), "1000.00");
}

TEST(CorrectionXml, DecreaseTotalsAreTheLinesDecreases) {
  const auto c = samples::correction();
  const Parsed xml(render_correction_xml(c));
  const std::string down = "/Файл/Документ/ТаблКСчФ/ВсегоУм";
  EXPECT_EQ(xml.count("/Файл/Документ/ТаблКСчФ/ВсегоУвел"), 0);
  EXPECT_EQ(xml.value(down + "/@СтТовУчНалВсего"), "10499.50");
  EXPECT_EQ(xml.value(down + "/@СтТовБезНДСВсего"), "9500.34");
  EXPECT_EQ(xml.value(down + "/СумНалВсего/СумНДС"), "999.16");
  std::int64_t with_vat = 0, vat = 0;
  for (int i = 1; i <= xml.count(kKLine); ++i) {
    const std::string line = kKLine + "[" + std::to_string(i) + "]";
    if (xml.count(line + "/СтТовУчНал/@СтоимУм") == 1) with_vat += xml.minor(line + "/СтТовУчНал/@СтоимУм");
    vat += xml.minor(line + "/СумНалРазн/СумУм");
  }
  EXPECT_EQ(with_vat, c.total_before_minor - c.total_after_minor);
  EXPECT_EQ(vat, c.vat_before_minor - c.vat_after_minor);
  EXPECT_EQ(with_vat, xml.minor(down + "/@СтТовУчНалВсего"));
}

TEST(CorrectionXml, PriceIncreaseHasItsOwnTotal) {
  auto c = samples::correction();
  c.lines[2].amount_after_minor = 120000;  // the fee rises by 200.00
  c.total_after_minor += 20000;
  const auto xml = render_correction_xml(c);
  const auto errors = validate_xml(xml, kUkdXsd);
  EXPECT_TRUE(errors.empty()) << joined(errors);
  const Parsed parsed(xml);
  EXPECT_EQ(parsed.value("/Файл/Документ/ТаблКСчФ/ВсегоУвел/@СтТовУчНалВсего"), "200.00");
  EXPECT_EQ(parsed.value("/Файл/Документ/ТаблКСчФ/ВсегоУвел/СумНалВсего/БезНДС"), "без НДС");
  EXPECT_EQ(parsed.value(kKLine + "[3]/СтТовУчНал/@СтоимУвел"), "200.00");
  EXPECT_EQ(parsed.value(kKLine + "[3]/@ЦенаТовПосле"), "1200.00");
  EXPECT_EQ(parsed.value("/Файл/Документ/ТаблКСчФ/ВсегоУм/@СтТовУчНалВсего"), "10499.50");
}

TEST(CorrectionXml, MissingRequiredElementIsReported) {
  Parsed xml(render_correction_xml(samples::correction()));
  xml.remove("/Файл/Документ/СвКСчФ/ДенИзм");
  EXPECT_TRUE(mentions(validate_xml(xml.bytes(), kUkdXsd), "ДенИзм"));
}

TEST(CorrectionProblems, NoneForTheSample) { EXPECT_TRUE(correction_problems(samples::correction()).empty()); }

TEST(CorrectionProblems, EachBadInputIsNamed) {
  auto c = samples::correction();
  c.currency = "USD";
  c.buyer.kpp.clear();
  c.total_after_minor += 1;
  c.lines[0].vat_before_minor = 90910;
  c.vat_before_minor += 1;
  const auto problems = correction_problems(c);
  EXPECT_EQ(message_of(problems, "currency"),
            "the УКД states amounts in roubles only (ОКВ 643); the booking is in USD");
  EXPECT_TRUE(has_field(problems, "buyer.kpp"));
  EXPECT_TRUE(has_field(problems, "total_after_minor"));
  EXPECT_TRUE(has_field(problems, "lines[0].vat_before_minor"));
  EXPECT_FALSE(has_field(problems, "vat_before_minor"));
  EXPECT_THROW(render_correction_xml(c), core::Problem);
}

TEST(CorrectionProblems, SoleProprietorNeedsWhatTheDataLacks) {
  auto c = samples::correction();
  c.buyer = {"ИП Петров Иван Сергеевич", "500100732259", "", "г. Мытищи", "2BE-500100732259", "", "", "", ""};
  EXPECT_TRUE(has_field(correction_problems(c), "buyer.inn"));
}

TEST(CorrectionProblems, CorrectionThatChangesNothing) {
  auto c = samples::correction();
  for (auto& l : c.lines) {
    l.quantity_after = l.quantity_before;
    l.amount_after_minor = l.amount_before_minor;
    l.vat_after_minor = l.vat_before_minor;
  }
  c.total_after_minor = c.total_before_minor;
  c.vat_after_minor = c.vat_before_minor;
  const auto problems = correction_problems(c);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].field, "lines");
}

TEST(CorrectionProblems, AmountLeftWithNothingLeft) {
  auto c = samples::correction();
  c.lines[0].amount_after_minor = 100;  // quantity after is 0
  c.lines[0].vat_after_minor = 9;
  c.total_after_minor += 100;
  c.vat_after_minor += 9;
  EXPECT_TRUE(has_field(correction_problems(c), "lines[0].amount_after_minor"));
}

}  // namespace
}  // namespace skybill::documents
