import socket, time, sys
cs=[]
for i in range(1000):
    c=socket.create_connection(('127.0.0.1',17503)); c.sendall(b'x'*64); cs.append(c)
for c in cs:
    got=b''
    while len(got)<64: got+=c.recv(64)
print("all echoed", flush=True)
time.sleep(float(sys.argv[1]))
