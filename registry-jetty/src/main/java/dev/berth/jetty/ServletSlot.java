package dev.berth.jetty;

import dev.berth.registry.servlet.BerthServlet;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServlet;
import java.io.IOException;

/**
 * The servlet Jetty runs: it hands each request to the current {@link BerthServlet}, so that
 * {@link BerthServer#serve} can put another registry behind the same port without restarting
 * anything in Jetty (which would log, and cost a context's start). A request keeps the servlet it
 * began with.
 */
final class ServletSlot extends HttpServlet {
  private static final long serialVersionUID = 1L;

  private transient volatile BerthServlet current;

  ServletSlot(BerthServlet first) {
    this.current = first;
  }

  @Override
  public void init(ServletConfig config) throws ServletException {
    super.init(config);
    current.init(config);
  }

  /** Serves with {@code next} from now on; the previous servlet is destroyed. */
  synchronized void serve(BerthServlet next) throws ServletException {
    ServletConfig config = getServletConfig();
    if (config != null) {
      next.init(config);
    }
    BerthServlet previous = current;
    current = next;
    previous.destroy();
  }

  @Override
  public void service(ServletRequest request, ServletResponse response)
      throws ServletException, IOException {
    current.service(request, response);
  }

  @Override
  public void destroy() {
    current.destroy();
  }
}
