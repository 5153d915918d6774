package org.xenprovisioner;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AppUrlsTests {

  @Test
  void namesTheAddressTheAppListensOnOrLocalhostForEveryInterface() {
    assertThat(AppUrls.root("127.0.0.1", 8080)).isEqualTo("http://127.0.0.1:8080");
    assertThat(AppUrls.root(null, 8080)).isEqualTo("http://localhost:8080");
    assertThat(AppUrls.root("0.0.0.0", 9090)).isEqualTo("http://localhost:9090");
    assertThat(AppUrls.root("::", 9090)).isEqualTo("http://localhost:9090");
    assertThat(AppUrls.root("::1", 8080)).isEqualTo("http://[::1]:8080");
  }
}
