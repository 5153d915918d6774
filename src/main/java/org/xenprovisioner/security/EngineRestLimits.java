package org.xenprovisioner.security;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Bounds what a logged-in user can send the engine's REST APIs ({@code /engine-rest} and the webapps'
 * own): a body larger than {@code provisioner.max-engine-rest-body-bytes} is answered 413 before the
 * engine reads it, and JSON nested deeper than {@value #MAX_DEPTH} levels 400 (the engine's REST
 * layer would answer it with a 500). An attachment is refused with 403 before its upload is read
 * ({@link TaskNotesLimit} refuses it in the engine too, whose REST layer would report that refusal as
 * "Task id is null"). Form posts (the webapps' login) are bounded by their declared
 * length only, since their parameters are read by the container, not from this filter's copy.
 */
final class EngineRestLimits extends OncePerRequestFilter {

  static final int MAX_DEPTH = 64;
  private static final String ATTACHMENT = "/attachment/create";
  private static final JsonFactory JSON = new JsonFactory();

  private final int maxBytes;

  EngineRestLimits(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    if (request.getRequestURI().endsWith(ATTACHMENT)) {
      refuse(response, HttpStatus.FORBIDDEN, TaskNotesLimit.NO_ATTACHMENTS);
      return;
    }
    if (request.getContentLengthLong() > maxBytes) {
      refuse(response, HttpStatus.PAYLOAD_TOO_LARGE, tooLarge());
      return;
    }
    String type = request.getContentType() == null ? "" : request.getContentType().toLowerCase();
    if (type.startsWith("application/x-www-form-urlencoded")) {
      chain.doFilter(request, response);
      return;
    }
    byte[] body = request.getInputStream().readNBytes(maxBytes + 1);
    if (body.length > maxBytes) {
      refuse(response, HttpStatus.PAYLOAD_TOO_LARGE, tooLarge());
      return;
    }
    if (type.contains("json") && tooDeep(body)) {
      refuse(response, HttpStatus.BAD_REQUEST, "The JSON body is nested deeper than " + MAX_DEPTH + " levels");
      return;
    }
    chain.doFilter(new Buffered(request, body), response);
  }

  private String tooLarge() {
    return "The request body is larger than " + maxBytes + " bytes (provisioner.max-engine-rest-body-bytes)";
  }

  /** Malformed JSON is left to the REST layer, which says what is wrong with it. */
  private static boolean tooDeep(byte[] body) throws IOException {
    try (JsonParser parser = JSON.createParser(body)) {
      int depth = 0;
      for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
        if (token.isStructStart() && ++depth > MAX_DEPTH) {
          return true;
        }
        if (token.isStructEnd()) {
          depth--;
        }
      }
      return false;
    } catch (StreamConstraintsException e) {
      return true;
    } catch (JsonProcessingException e) {
      return false;
    }
  }

  private static void refuse(HttpServletResponse response, HttpStatus status, String message) throws IOException {
    response.setStatus(status.value());
    response.setContentType("application/json");
    response.setCharacterEncoding("UTF-8");
    // the engine REST API's own error shape; the message holds no quote or backslash
    response.getWriter().write("{\"type\":\"" + (status == HttpStatus.FORBIDDEN ? "AuthorizationException"
        : status == HttpStatus.BAD_REQUEST ? "InvalidRequestException" : "RequestTooLarge")
        + "\",\"message\":\"" + message + "\"}");
  }

  /** The request with its body read once, here, and handed on from memory. */
  private static final class Buffered extends HttpServletRequestWrapper {

    private final byte[] body;

    Buffered(HttpServletRequest request, byte[] body) {
      super(request);
      this.body = body;
    }

    @Override
    public ServletInputStream getInputStream() {
      ByteArrayInputStream in = new ByteArrayInputStream(body);
      return new ServletInputStream() {
        @Override
        public int read() {
          return in.read();
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
          return in.read(buffer, offset, length);
        }

        @Override
        public boolean isFinished() {
          return in.available() == 0;
        }

        @Override
        public boolean isReady() {
          return true;
        }

        @Override
        public void setReadListener(ReadListener listener) {
          throw new UnsupportedOperationException("the body is already read");
        }
      };
    }

    @Override
    public BufferedReader getReader() {
      String encoding = getCharacterEncoding();
      return new BufferedReader(new InputStreamReader(getInputStream(),
          encoding == null ? StandardCharsets.UTF_8 : java.nio.charset.Charset.forName(encoding)));
    }

    @Override
    public int getContentLength() {
      return body.length;
    }

    @Override
    public long getContentLengthLong() {
      return body.length;
    }
  }
}
