import { test, expect } from "@playwright/test";
import { signInAs } from "./accounts";
import { seriousViolations } from "./a11y";

// A register as a ward keeps it: a title above the table, an identity-number column, the
// address only on the head's row. Its own street for this run: the demo ward is shared.
function register(street: string, tuanBorn: string): string {
  return [
    "DANH SÁCH HỘ GIA ĐÌNH TỔ DÂN PHỐ SỐ 4",
    "",
    "STT,Họ và tên,Năm sinh,Giới tính,Số CCCD,Quan hệ với chủ hộ,Địa chỉ,Tổ dân phố",
    `1,ĐINH VĂN KHẢI,1950,Nam,001050011111,Chủ hộ,Số 3 ${street},Tổ 4`,
    "2,Đinh Thị Sen,1953,Nữ,001153022222,Vợ,,",
    `3,Ngô Minh Tuấn,${tuanBorn},Nam,,Chủ hộ,Số 9 ${street},TDP-04`,
  ].join("\r\n");
}

test("a ward admin imports the register from Excel after a trial read", async ({ page }) => {
  await signInAs(page, "admin");
  await page.goto("/phuong/619");
  await page.getByRole("link", { name: "Nhập sổ hộ" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Nhập sổ hộ dân từ Excel" })).toBeVisible();
  const street = `ngõ Nhập Sổ ${Date.now()}`;
  const file = page.getByLabel("Tệp sổ hộ");

  // A wrong birth year: every row is shown, the wrong one first, and nothing can be imported.
  await file.setInputFiles({
    name: "so-ho.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(register(street, "19x5"), "utf8"),
  });
  await expect(page.getByText("Tệp CSV, bảng mã UTF-8; dòng tiêu đề cột là dòng 3.")).toBeVisible();
  await expect(page.getByText("Không đọc các cột số giấy tờ tùy thân (Số CCCD)")).toBeVisible();
  await expect(page.getByText("1 dòng có lỗi")).toBeVisible();
  const wrong = page.locator("table.import-rows tr.invalid");
  await expect(wrong).toHaveCount(1);
  await expect(wrong).toContainText("Ngô Minh Tuấn");
  await expect(wrong).toContainText("Năm sinh: Định dạng không hợp lệ.");
  await expect(page.getByText("Chưa nhập được: hãy sửa các dòng có lỗi")).toBeVisible();
  await expect(page.getByRole("button", { name: /^Nhập / })).toHaveCount(0);

  // Columns can be matched by hand; a field left without one says so.
  await expect(page.getByLabel("Giới tính", { exact: true })).toHaveValue("3");
  await page.getByLabel("Giới tính", { exact: true }).selectOption({ label: "— Không có cột này —" });
  await expect(page.getByText("Hãy chọn đủ các cột ở trên để đọc thử.")).toBeVisible();
  await expect(page.locator(".mapping .field-error")).toHaveText("Trường này là bắt buộc.");
  await page.getByLabel("Giới tính", { exact: true }).selectOption({ index: 4 });
  await expect(page.getByText("1 dòng có lỗi")).toBeVisible();

  // Fixed and saved again as Excel's "Unicode Text".
  await file.setInputFiles({
    name: "so-ho.txt",
    mimeType: "text/plain",
    buffer: Buffer.from("\ufeff" + register(street, "1965").replaceAll(",", "\t"), "utf16le"),
  });
  await expect(page.getByText("bảng mã UTF-16LE")).toBeVisible();
  await expect(page.getByText("2 hộ mới", { exact: true })).toBeVisible();
  await expect(page.getByText("3 người mới", { exact: true })).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
  await page.getByRole("button", { name: "Nhập 3 người (2 hộ mới) vào sổ" }).click();
  await expect(page.getByRole("status")).toContainText("Đã nhập 3 người, trong đó 2 hộ mới.");

  // The same file again adds nobody.
  await file.setInputFiles({
    name: "so-ho.txt",
    mimeType: "text/plain",
    buffer: Buffer.from("\ufeff" + register(street, "1965").replaceAll(",", "\t"), "utf16le"),
  });
  await expect(page.getByText("3 người đã có trong sổ (bỏ qua)")).toBeVisible();
  await expect(page.getByText("Không có ai mới để nhập")).toBeVisible();

  // The imported households are the ward's like any other.
  await page.getByRole("link", { name: "Tìm kiếm" }).click();
  await page.getByLabel("Tìm hộ gia đình hoặc người dân").fill(`so 3 ${street}`);
  await page.getByRole("button", { name: "Tìm" }).click();
  const found = page.locator("li").filter({ hasText: `Số 3 ${street}` });
  await expect(found.getByRole("link", { name: "Đinh Văn Khải" })).toBeVisible();
});
