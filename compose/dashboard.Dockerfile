# The history dashboard (:5081). Build context: the repository root.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish dashboard/Orchestrator.Dashboard/Orchestrator.Dashboard.csproj -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
# 0.0.0.0 inside the container, so that a published port reaches it: publish it on 127.0.0.1 (as compose does) or
# behind a TLS proxy. Every page asks for a login; the dashboard does not start without users or OpenID Connect
# configured (Orchestrator__Dashboard__Users__<name>__PasswordHash/Role, see docs/dashboard.md).
ENV ASPNETCORE_URLS=http://0.0.0.0:5081
EXPOSE 5081
USER app
HEALTHCHECK --interval=5s --timeout=3s --retries=20 \
  CMD bash -c 'exec 3<>/dev/tcp/127.0.0.1/5081 && printf "GET /health HTTP/1.0\r\n\r\n" >&3 && grep -q " 200 " <&3'
ENTRYPOINT ["dotnet", "Orchestrator.Dashboard.dll"]
