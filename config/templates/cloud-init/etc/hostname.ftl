${hostname}
