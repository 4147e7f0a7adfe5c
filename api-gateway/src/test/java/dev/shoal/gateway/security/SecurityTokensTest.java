package dev.shoal.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bearer tokens file: its format, its permissions, and changes taking effect without a restart. */
class SecurityTokensTest {
  private static final String TOKEN = "0123456789abcdef0123";
  @TempDir
  Path dir;

  private Path file(String mode, String... lines) throws Exception {
    Path f = dir.resolve("tokens");
    Files.deleteIfExists(f);
    Files.createFile(f, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode)));
    Files.writeString(f, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    return f;
  }

  @Test
  void linesAreTokenPrincipalAndRoleWithCommentsAndBlankLines() throws Exception {
    BearerTokens tokens = BearerTokens.load(file("rw-------", "# CI", "", TOKEN + "  ci   deployer", "  # indented comment"));
    assertThat(tokens.find(TOKEN)).contains(new Identity("ci", Role.DEPLOYER, Identity.Source.TOKEN));
    assertThat(tokens.find(TOKEN + "x")).isEmpty();
    assertThat(tokens.find("")).isEmpty();
  }

  @Test
  void aFileOthersCanReadIsRefused() throws Exception {
    Path f = file("rw-r--r--", TOKEN + " ci admin");
    assertThatThrownBy(() -> BearerTokens.load(f)).isInstanceOf(SecurityConfigException.class)
        .hasMessage("API tokens file " + f + " is accessible by others (mode rw-r--r--): chmod 600 " + f);
    assertThat(BearerTokens.load(file("r--------", TOKEN + " ci admin")).size()).isEqualTo(1);
  }

  @Test
  void badLinesAreRefusedWithTheirLineNumber() throws Exception {
    assertThatThrownBy(() -> BearerTokens.load(file("rw-------", "# x", TOKEN + " ci"))).hasMessageEndingWith(
        "tokens line 2: expected \"<token> <principal> <role>\", got 2 fields");
    assertThatThrownBy(() -> BearerTokens.load(file("rw-------", "short ci admin"))).hasMessageContaining(
        "line 1: a token needs at least 16 printable characters");
    assertThatThrownBy(() -> BearerTokens.load(file("rw-------", TOKEN + " ci root"))).hasMessageContaining(
        "line 1: unknown role \"root\" (known: reader, deployer, admin)");
    assertThatThrownBy(() -> BearerTokens.load(file("rw-------", TOKEN + " a admin", TOKEN + " b reader")))
        .hasMessageContaining("line 2: this token is already on an earlier line");
    assertThatThrownBy(() -> BearerTokens.load(dir.resolve("missing"))).hasMessageContaining("does not exist");
  }

  @Test
  void aChangedFileTakesEffectAtTheNextRequestAndABrokenOneKeepsTheOldTokens() throws Exception {
    Path f = file("rw-------", TOKEN + " ci admin");
    BearerTokens tokens = BearerTokens.load(f);
    String other = "fedcba9876543210fedcba";

    Files.writeString(f, other + " ci reader\n", StandardCharsets.UTF_8);
    Files.setLastModifiedTime(f, FileTime.from(Instant.now().plusSeconds(5)));
    assertThat(tokens.find(TOKEN)).as("revoked by deleting its line").isEmpty();
    assertThat(tokens.find(other)).map(Identity::role).contains(Role.READER);

    Files.writeString(f, "not a token line\n", StandardCharsets.UTF_8);
    Files.setLastModifiedTime(f, FileTime.from(Instant.now().plusSeconds(10)));
    assertThat(tokens.find(other)).as("a typo locks nobody out").isPresent();
  }
}
