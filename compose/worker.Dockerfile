# The sample worker (order saga, approval). Build context: the repository root.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish samples/OrderSample/OrderSample.csproj -c Release -o /app

FROM mcr.microsoft.com/dotnet/runtime:10.0
WORKDIR /app
COPY --from=build /app .
USER app
HEALTHCHECK --interval=10s --timeout=3s --retries=5 CMD bash -c 'kill -0 1'
ENTRYPOINT ["dotnet", "OrderSample.dll"]
