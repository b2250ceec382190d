package cli

import (
	"bytes"
	"encoding/base32"
	"encoding/base64"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/dynamicpb"

	"latchkey/internal/testtool"
	"latchkey/otp"
)

func TestScan(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	img := testtool.QRFile(t, filepath.Join(dir, "a.png"), "otpauth://totp/ACME%20Co:john?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=ACME%20Co&digits=8")
	link := testtool.QRFile(t, filepath.Join(dir, "web.png"), "https://example.com/login")
	blank := filepath.Join(dir, "blank.png")
	if out, err := exec.Command("convert", "-size", "200x200", "xc:white", blank).CombinedOutput(); err != nil {
		t.Fatalf("imagemagick (./test.sh installs it): %v %s", err, out)
	}

	r := runCLI(t, "", nil, "scan", img)
	want, _ := otp.ParseURI("otpauth://totp/ACME%20Co:john?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=ACME%20Co&digits=8")
	if r.status != 0 || r.stdout != want.URI()+"\n" {
		t.Errorf("scan: status %d, got %q, want %q (stderr %q)", r.status, r.stdout, want.URI()+"\n", r.stderr)
	}
	r = runCLI(t, "", nil, "scan", "--raw", link)
	if r.stdout != "https://example.com/login\n" {
		t.Errorf("scan --raw: got %q", r.stdout)
	}
	// The good image is still printed; the bad ones are named and the status says so.
	r = runCLI(t, "", nil, "scan", blank, img, link, filepath.Join(dir, "missing.png"))
	if r.status != ExitFailure {
		t.Errorf("scan with bad images: status %d, want %d", r.status, ExitFailure)
	}
	if r.stdout != want.URI()+"\n" {
		t.Errorf("scan with bad images: stdout %q, want the one account", r.stdout)
	}
	for _, s := range []string{"blank.png", "missing.png", "web link"} {
		if !strings.Contains(r.stderr, s) {
			t.Errorf("scan with bad images: stderr %q does not mention %q", r.stderr, s)
		}
	}
}

func TestAddExportImport(t *testing.T) {
	t.Parallel()
	_, env, _ := newVault(t)
	dir := t.TempDir()
	img := testtool.QRFile(t, filepath.Join(dir, "gh.png"), "otpauth://totp/GitHub:octo?secret=JBSWY3DPEHPK3PXP&issuer=GitHub")
	r := runCLI(t, "", env, "add", exampleURI, img, "otpauth://hotp/Bank:bob?secret=MFRGGZDFMZTWQ2LK&counter=4")
	if r.status != 0 {
		t.Fatalf("add: status %d, stderr %q", r.status, r.stderr)
	}
	// The GitHub image holds the same secret as exampleURI: a duplicate.
	if !strings.Contains(r.stderr, "skipped GitHub: octo: already in the vault") {
		t.Errorf("add: stderr %q does not report the duplicate", r.stderr)
	}
	if r := runCLI(t, "", env, "list"); r.stdout != "Example\talice@google.com\nBank\tbob\n" {
		t.Errorf("list after add: %q", r.stdout)
	}
	if r := runCLI(t, "", env, "add", "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=13"); r.status == 0 || !strings.Contains(r.stderr, "digits") {
		t.Errorf("add a broken URI: status %d, stderr %q", r.status, r.stderr)
	}

	r = runCLI(t, "", env, "export", "--format", "uri")
	if r.status != 0 || !strings.Contains(r.stderr, "NOT encrypted") {
		t.Fatalf("export uri: status %d, stderr %q", r.status, r.stderr)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 2 {
		t.Fatalf("export uri: %d lines, want 2", len(lines))
	}
	for _, l := range lines {
		if _, err := otp.ParseURI(l); err != nil {
			t.Errorf("exported line does not parse: %v", err)
		}
	}

	// A file the user names to replace (--force) comes out 0600.
	uris := writeFile(t, dir, "uris.txt", "")
	os.Chmod(uris, 0o644)
	if r := runCLI(t, "", env, "export", "--format", "uri", "--out", uris, "--force"); r.status != 0 {
		t.Fatalf("export uri --out: status %d, stderr %q", r.status, r.stderr)
	}
	if fi, _ := os.Stat(uris); fi.Mode().Perm() != 0o600 {
		t.Errorf("export over a 0644 file left mode %v, want 0600", fi.Mode().Perm())
	}
	aegis := filepath.Join(dir, "out", "aegis.json")
	if r := runCLI(t, "", env, "export", "--format", "aegis", "--out", aegis); r.status != 0 {
		t.Fatalf("export aegis: status %d, stderr %q", r.status, r.stderr)
	}
	if fi, err := os.Stat(aegis); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("aegis export: %v, mode %v; want 0600", err, fi.Mode().Perm())
	}
	// Into a second vault: everything arrives; into the first: all duplicates.
	_, env2, _ := newVault(t)
	if r := runCLI(t, "", env2, "import", aegis); r.status != 0 || !strings.Contains(r.stderr, "imported 2 accounts") {
		t.Errorf("import into a new vault: status %d, stderr %q", r.status, r.stderr)
	}
	a := runCLI(t, "", env, "export", "--format", "uri").stdout
	b := runCLI(t, "", env2, "export", "--format", "uri").stdout
	if sortLines(a) != sortLines(b) {
		t.Errorf("accounts after the Aegis round trip differ:\n%s\nwant\n%s", b, a)
	}
	if r := runCLI(t, "", env, "import", aegis); r.status != 0 || !strings.Contains(r.stderr, "imported 0 accounts") {
		t.Errorf("re-import: status %d, stderr %q; want every account skipped", r.status, r.stderr)
	}

}

func sortLines(s string) string {
	l := strings.Split(strings.TrimSpace(s), "\n")
	sort.Strings(l)
	return strings.Join(l, "\n")
}

// The shared fixtures are real files written by other apps.
func TestImportFixtures(t *testing.T) {
	t.Parallel()
	fixtures := testtool.Fixtures(t)
	_, env, _ := newVault(t)
	pw := writeFile(t, t.TempDir(), "pw", "test\n")
	r := runCLI(t, "", env, "import", "--import-password-file", pw,
		filepath.Join(fixtures, "aegis_encrypted.json"), filepath.Join(fixtures, "2fas_authenticator_plain_v4.2fas"))
	if r.status != 0 {
		t.Fatalf("import: status %d, stderr %q", r.status, r.stderr)
	}
	plain, err := os.ReadFile(filepath.Join(fixtures, "plain.txt"))
	if err != nil {
		t.Fatal(err)
	}
	got := runCLI(t, "", env, "list").stdout
	for _, line := range strings.Split(strings.TrimSpace(string(plain)), "\n") {
		k, err := otp.ParseURI(line)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(got, k.Issuer+"\t"+k.Name) {
			t.Errorf("%s is missing after the import; list:\n%s", k.Label(), got)
		}
	}
	// The 2FAS file holds the same accounts: all reported as duplicates.
	if !strings.Contains(r.stderr, "already in the vault") {
		t.Errorf("second file's accounts were not reported as duplicates: %q", r.stderr)
	}
	bad := writeFile(t, t.TempDir(), "pw", "nope\n")
	r = runCLI(t, "", env, "import", "--import-password-file", bad, filepath.Join(fixtures, "aegis_encrypted.json"))
	if r.status != ExitWrongPassword || !strings.Contains(r.stderr, "wrong password") {
		t.Errorf("wrong import password: status %d, stderr %q; want %d", r.status, r.stderr, ExitWrongPassword)
	}
	junk := writeFile(t, t.TempDir(), "junk.json", `{"hello": "world"}`)
	r = runCLI(t, "", env, "import", junk)
	if r.status == 0 || !strings.Contains(r.stderr, "junk.json") || !strings.Contains(r.stderr, "known authenticator") {
		t.Errorf("unknown file: status %d, stderr %q", r.status, r.stderr)
	}
}

// While the desktop app holds the vault, reading commands still work; a
// command that must change the vault says why it cannot.
func TestReadWhileAppHasVaultOpen(t *testing.T) {
	t.Parallel()
	path, env, _ := newVault(t)
	addKeys(t, path, "otpauth://totp/GitHub:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=8",
		"otpauth://hotp/Bank:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=0")
	app, err := testVault.Open(path, []byte("correct horse"))
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	if r := runCLI(t, "", env, "list"); r.status != 0 || !strings.Contains(r.stdout, "GitHub\talice") {
		t.Errorf("list while open elsewhere: status %d, stderr %q", r.status, r.stderr)
	}
	if r := runCLI(t, "", env, "code", "github", "--at", "59"); r.status != 0 || r.stdout != "94287082\n" {
		t.Errorf("totp code while open elsewhere: status %d, stdout %q, stderr %q", r.status, r.stdout, r.stderr)
	}
	if r := runCLI(t, "", env, "code", "bank"); r.status != ExitLocked || r.stdout != "" || !strings.Contains(r.stderr, "HOTP") {
		t.Errorf("hotp code while open elsewhere: status %d, stdout %q, stderr %q; want %d and no code", r.status, r.stdout, r.stderr, ExitLocked)
	}
	backup := filepath.Join(t.TempDir(), "b.latchkey")
	if r := runCLI(t, "", env, "export", "--format", "backup", "--out", backup); r.status != 0 {
		t.Errorf("backup while open elsewhere: status %d, stderr %q", r.status, r.stderr)
	}
	if r := runCLI(t, "", env, "add", exampleURI); r.status != ExitLocked {
		t.Errorf("add while open elsewhere: status %d, want %d", r.status, ExitLocked)
	}
}

func TestQRAndGoogleExport(t *testing.T) {
	t.Parallel()
	path, env, _ := newVault(t)
	// Twelve accounts Google's format carries (two codes: ten and two),
	// with every kind of field, and one it does not.
	uris := []string{exampleURI,
		"otpauth://totp/SHA512:x?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&algorithm=SHA512",
		"otpauth://hotp/Bank:bob?secret=MFRGGZDFMZTWQ2LK&counter=7",
		"otpauth://totp/Caf%C3%A9%20Co:j%C3%B6rg%20%2B%20%26%20x?secret=KRUGS4ZANFZSAYJAONSWG4TFOQ&issuer=Caf%C3%A9%20Co&digits=8",
		"otpauth://totp/solo?secret=ONXWY3ZAONSWG4TFOQ",
	}
	for i := 0; i < 8; i++ {
		uris = append(uris, fmt.Sprintf("otpauth://totp/Service%%20%d:user%d?secret=%s&issuer=Service%%20%d",
			i, i, base32.StdEncoding.EncodeToString([]byte(fmt.Sprintf("secret number %d!", i))), i))
	}
	addKeys(t, path, uris...)
	var want []otp.Key
	for i, u := range uris {
		k, err := otp.ParseURI(u)
		if err != nil {
			t.Fatal(err)
		}
		if i != 1 { // the SHA512 one
			want = append(want, k)
		}
	}
	dir := t.TempDir()
	png := filepath.Join(dir, "gh.png")
	if r := runCLI(t, "", env, "qr", "example", "--out", png); r.status != 0 {
		t.Fatalf("qr: status %d, stderr %q", r.status, r.stderr)
	}
	if r := runCLI(t, "", nil, "scan", png); r.stdout != want[0].URI()+"\n" {
		t.Errorf("scan of qr output: got %q, want %q", r.stdout, want[0].URI())
	}
	out := filepath.Join(dir, "google")
	r := runCLI(t, "", env, "export", "--format", "google-qr", "--out", out)
	if r.status != 0 || !strings.Contains(r.stderr, "not exported: SHA512: x") {
		t.Fatalf("export google-qr: status %d, stderr %q; want the SHA512 account named", r.status, r.stderr)
	}
	files, _ := filepath.Glob(filepath.Join(out, "*.png"))
	if len(files) != 2 {
		t.Fatalf("export google-qr wrote %d files, want 2 (ten accounts a code)", len(files))
	}

	// Read back with Latchkey's own scanner: every field of every account.
	r = runCLI(t, "", nil, append([]string{"scan"}, files...)...)
	got := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if r.status != 0 || len(got) != len(want) {
		t.Fatalf("scan of the google export: status %d, %d accounts, want %d (stderr %q)", r.status, len(got), len(want), r.stderr)
	}
	for i, l := range got {
		k, err := otp.ParseURI(l)
		if err != nil || !k.Equal(want[i]) {
			t.Errorf("scan: account %d reads back as %s (%v), want %s", i, keyFields(k), err, keyFields(want[i]))
		}
	}

	// Read back independently: zbarimg decodes the images and the
	// protobuf library, given Google's schema, decodes the payload.
	var parts []migrationPart
	for _, f := range files {
		parts = append(parts, decodeMigration(t, testtool.Zbar(t, f)))
	}
	var all []migrationAccount
	for i, p := range parts {
		if p.version != 1 || p.batchSize != int32(len(parts)) || p.batchIndex != int32(i) || p.batchID != parts[0].batchID {
			t.Errorf("code %d: version %d, batch %d of %d, id %d; want version 1, batch %d of %d, id %d",
				i+1, p.version, p.batchIndex, p.batchSize, p.batchID, i, len(parts), parts[0].batchID)
		}
		if n := len(p.accounts); n != min(10, len(want)-10*i) {
			t.Errorf("code %d holds %d accounts, want %d", i+1, n, min(10, len(want)-10*i))
		}
		all = append(all, p.accounts...)
	}
	if len(all) != len(want) {
		t.Fatalf("zbarimg read %d accounts, want %d", len(all), len(want))
	}
	for i, a := range all {
		w := want[i]
		wantDigits, wantType := int32(1), int32(2) // SIX, TOTP
		if w.Digits == 8 {
			wantDigits = 2 // EIGHT
		}
		if w.Type == otp.HOTP {
			wantType = 1
		}
		if !bytes.Equal(a.secret, w.Secret) {
			t.Errorf("account %d (%s): the secret differs", i, w.Label())
		}
		if a.name != w.Name || a.issuer != w.Issuer || a.algorithm != 1 || a.digits != wantDigits || a.typ != wantType || a.counter != w.Counter {
			t.Errorf("account %d: got name %q, issuer %q, algorithm %d, digits %d, type %d, counter %d; want %q, %q, 1 (SHA1), %d, %d, %d",
				i, a.name, a.issuer, a.algorithm, a.digits, a.typ, a.counter, w.Name, w.Issuer, wantDigits, wantType, w.Counter)
		}
	}
}

// keyFields shows every field of a key but its secret, for test failures.
func keyFields(k otp.Key) string {
	return fmt.Sprintf("{%v %q %q %v %d digits, period %d, counter %d}", k.Type, k.Issuer, k.Name, k.Algorithm, k.Digits, k.Period, k.Counter)
}

// migrationPart and migrationAccount are one Google Authenticator export
// code, as its schema names the fields.
type migrationPart struct {
	accounts                                []migrationAccount
	version, batchSize, batchIndex, batchID int32
}

type migrationAccount struct {
	secret                 []byte
	name, issuer           string
	algorithm, digits, typ int32
	counter                uint64
}

// migrationSchema is Google Authenticator's MigrationPayload message, as
// /work/shared/reference/otp.md gives it, for the protobuf library to read
// exports with: a decoder that shares nothing with qrimport's. The enums
// are read as their numbers.
func migrationSchema(t *testing.T) protoreflect.MessageDescriptor {
	t.Helper()
	field := func(name string, num int32, typ descriptorpb.FieldDescriptorProto_Type) *descriptorpb.FieldDescriptorProto {
		return &descriptorpb.FieldDescriptorProto{Name: proto.String(name), Number: proto.Int32(num), Type: typ.Enum(),
			Label: descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL.Enum(), JsonName: proto.String(name)}
	}
	params := field("otp_parameters", 1, descriptorpb.FieldDescriptorProto_TYPE_MESSAGE)
	params.Label = descriptorpb.FieldDescriptorProto_LABEL_REPEATED.Enum()
	params.TypeName = proto.String(".latchkeytest.MigrationPayload.OtpParameters")
	file := &descriptorpb.FileDescriptorProto{
		Name: proto.String("latchkeytest/migration.proto"), Package: proto.String("latchkeytest"), Syntax: proto.String("proto3"),
		MessageType: []*descriptorpb.DescriptorProto{{
			Name: proto.String("MigrationPayload"),
			Field: []*descriptorpb.FieldDescriptorProto{params,
				field("version", 2, descriptorpb.FieldDescriptorProto_TYPE_INT32),
				field("batch_size", 3, descriptorpb.FieldDescriptorProto_TYPE_INT32),
				field("batch_index", 4, descriptorpb.FieldDescriptorProto_TYPE_INT32),
				field("batch_id", 5, descriptorpb.FieldDescriptorProto_TYPE_INT32)},
			NestedType: []*descriptorpb.DescriptorProto{{
				Name: proto.String("OtpParameters"),
				Field: []*descriptorpb.FieldDescriptorProto{
					field("secret", 1, descriptorpb.FieldDescriptorProto_TYPE_BYTES),
					field("name", 2, descriptorpb.FieldDescriptorProto_TYPE_STRING),
					field("issuer", 3, descriptorpb.FieldDescriptorProto_TYPE_STRING),
					field("algorithm", 4, descriptorpb.FieldDescriptorProto_TYPE_INT32),
					field("digits", 5, descriptorpb.FieldDescriptorProto_TYPE_INT32),
					field("type", 6, descriptorpb.FieldDescriptorProto_TYPE_INT32),
					field("counter", 7, descriptorpb.FieldDescriptorProto_TYPE_UINT64),
					field("unique_id", 8, descriptorpb.FieldDescriptorProto_TYPE_STRING)},
			}},
		}},
	}
	fd, err := protodesc.NewFile(file, new(protoregistry.Files))
	if err != nil {
		t.Fatalf("the export schema: %v", err)
	}
	return fd.Messages().ByName("MigrationPayload")
}

// decodeMigration reads an otpauth-migration://offline?data= link with the
// standard library and the protobuf library.
func decodeMigration(t *testing.T, link string) migrationPart {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil || u.Scheme != "otpauth-migration" || u.Host != "offline" {
		t.Fatalf("zbarimg read %.30q..., want an otpauth-migration://offline link (%v)", link, err)
	}
	raw, err := base64.StdEncoding.DecodeString(u.Query().Get("data"))
	if err != nil {
		t.Fatalf("the export's data is not padded standard base64: %v", err)
	}
	md := migrationSchema(t)
	m := dynamicpb.NewMessage(md)
	if err := proto.Unmarshal(raw, m); err != nil {
		t.Fatalf("the export's payload does not decode: %v", err)
	}
	if len(m.GetUnknown()) != 0 {
		t.Errorf("the export's payload holds fields outside the schema")
	}
	get := func(m protoreflect.Message, name string) protoreflect.Value {
		return m.Get(m.Descriptor().Fields().ByName(protoreflect.Name(name)))
	}
	p := migrationPart{
		version: int32(get(m, "version").Int()), batchSize: int32(get(m, "batch_size").Int()),
		batchIndex: int32(get(m, "batch_index").Int()), batchID: int32(get(m, "batch_id").Int()),
	}
	list := get(m, "otp_parameters").List()
	for i := 0; i < list.Len(); i++ {
		a := list.Get(i).Message()
		if len(a.GetUnknown()) != 0 {
			t.Errorf("account %d holds fields outside the schema", i)
		}
		p.accounts = append(p.accounts, migrationAccount{
			secret: get(a, "secret").Bytes(), name: get(a, "name").String(), issuer: get(a, "issuer").String(),
			algorithm: int32(get(a, "algorithm").Int()), digits: int32(get(a, "digits").Int()),
			typ: int32(get(a, "type").Int()), counter: get(a, "counter").Uint(),
		})
	}
	return p
}
